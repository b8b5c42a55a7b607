"""One module per schema revision, applied in order by chatgw.store.migrations."""
