// BudgetChecks
