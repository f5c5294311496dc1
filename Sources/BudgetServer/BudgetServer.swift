// BudgetServer
