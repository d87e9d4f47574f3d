"""The chaos suite behind `scripts/testing/chaos` (issue 15): a private stack under steady load, faults applied in
turn, every accepted review checked afterwards, and HTTP / poison-message fuzzing. See docs/chaos.md."""
