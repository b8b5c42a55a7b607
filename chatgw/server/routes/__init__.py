"""The HTTP routes of DESIGN.md section 4, one module per group."""
