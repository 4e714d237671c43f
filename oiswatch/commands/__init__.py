"""One module per ``oiswatch`` subcommand (see ``oiswatch.cli``)."""
