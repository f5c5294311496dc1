// BudgetImport
