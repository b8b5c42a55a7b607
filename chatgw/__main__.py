"""`python -m chatgw` runs the command line."""

from chatgw.cli import main

main()
