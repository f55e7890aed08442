#!/bin/sh
# The one benchmark command (issue 7); see bench/README.md. Options: run.sh --help.
exec python3 "$(dirname "$0")/run.py" "$@"
