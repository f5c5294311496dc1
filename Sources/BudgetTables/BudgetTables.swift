// BudgetTables
