"""The playground's server. Importing it first (as ``python -m server``, ``playground`` and every worker do)
keeps BLAS to one thread: all NumPy work runs on one compute lane per process (server/lane.py), and BLAS
threads beside it only fight the event loop and the other workers for the cores. Measured on a busy
2-core machine, a 32×32 by 32×10⁴ float32 product (one layer of a 10×32 net's output map) took 6 ms with
OpenBLAS's two threads and 0.26 ms with one. A value set in the environment wins."""
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
