# Generates the data files of rbm/data_test.go (TestLoadDataPython) with
# numpy and pandas: run once with /usr/bin/python3 from this directory; the
# outputs are committed. X (5 samples x 6 units, values +-1) is the matrix
# every 2-D file holds (as spins or as bits 0/1 = (X+1)/2).
import numpy as np
import pandas as pd

X = np.array([[1, -1, 1, 1, -1, -1],
              [-1, -1, 1, -1, 1, 1],
              [1, 1, 1, -1, -1, 1],
              [-1, 1, -1, 1, 1, -1],
              [1, -1, -1, -1, 1, 1]], dtype=np.int8)
B = (X + 1) // 2

np.save("spins_i1.npy", X)
np.save("spins_i8.npy", X.astype(np.int64))
np.save("spins_f4_be.npy", X.astype(">f4"))
np.save("spins_f2.npy", X.astype(np.float16))
np.save("bits_bool.npy", B.astype(bool))
np.save("bits_u2.npy", B.astype(np.uint16))
np.save("spins_fortran.npy", np.asfortranarray(X.astype(np.float64)))
with open("spins_v2.npy", "wb") as f:
    np.lib.format.write_array(f, X, version=(2, 0))
with open("spins_v3.npy", "wb") as f:
    np.lib.format.write_array(f, X, version=(3, 0))

# Lattices: a[s, x, y(, z)]; the expected flat rows use site = x + Lx*(y + Ly*z).
rng = np.random.default_rng(1)
for name, shape in [("lattice_3x2", (4, 3, 2)), ("lattice_2x3x2", (3, 2, 3, 2))]:
    a = rng.choice(np.array([-1, 1], dtype=np.int8), size=shape)
    n = shape[0]
    dims = shape[1:]
    N = int(np.prod(dims))
    flat = np.zeros((n, N), dtype=np.int8)
    for s in range(n):
        for idx in np.ndindex(*dims):
            x, y = idx[0], idx[1]
            z = idx[2] if len(idx) > 2 else 0
            flat[s, x + dims[0] * (y + dims[1] * z)] = a[(s,) + idx]
    assert (flat == a.reshape(n, -1, order="F")).all()
    np.save(name + ".npy", a)
    np.save(name + "_fortran.npy", np.asfortranarray(a))
    np.save(name + "_flat.npy", flat)

df = pd.DataFrame(X)
df.to_csv("pandas_index.csv")                 # header ",0,1,...", index column
df.to_csv("pandas_noindex.csv", index=False)   # header "0,1,2,..."
pd.DataFrame(X, columns=[f"s{i}" for i in range(6)]).to_csv("pandas_names.csv", index=False)
pd.DataFrame(B.astype(bool)).to_csv("pandas_bool.csv")  # True/False
pd.DataFrame(X.astype(float)).to_csv("pandas_float.csv", index=False)  # 1.0, -1.0
np.savetxt("savetxt_default.txt", X)           # '%.18e', space separated
np.savetxt("savetxt_header.txt", B, fmt="%d", header="bits, one sample per row")
np.savetxt("savetxt_comma.csv", X, fmt="%d", delimiter=",")
np.savetxt("savetxt_tab.tsv", B, fmt="%d", delimiter="\t")
