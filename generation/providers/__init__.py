"""Media providers, one per module, behind one small interface (`base.Provider`)."""
