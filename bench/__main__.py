"""``python -m bench``: the performance suite (see :mod:`bench.run`)."""

from bench.run import main

main()
