"""Hand-written runtime shared by every generated client: nothing here is generated."""
