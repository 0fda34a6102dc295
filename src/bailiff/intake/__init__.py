"""Electronic intake: sending files of signed writs to a register, resumable."""
