// BudgetExport
