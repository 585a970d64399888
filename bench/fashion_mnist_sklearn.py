"""scikit-learn's MLPClassifier on Fashion-MNIST with the settings of `./qshampoo train --dataset fashion-mnist
--optimizers adamw --epochs 5`, for a wall-time ratio measured in the same session (bench/RESULTS.md).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/fashion_mnist_sklearn.py [DIR]

Debian's python3-sklearn and numpy (the system interpreter). DIR holds the four IDX files (default
/usr/share/datasets/fashion-mnist, the Debian package dataset-fashion-mnist). Same model and training as the Java run:
784-256-10, ReLU, softmax cross-entropy, Adam (lr 1e-3, β1 0.9, β2 0.999, ε 1e-8, no weight decay: alpha = 0), batch
128, 5 passes over the 60 000 training images in a shuffled order, pixels scaled by 1/255; the test accuracy after
training. Prints the fit's wall and process CPU time (the Java run's time covers training and a test evaluation per
epoch; this one the fit and one evaluation).
"""
import gzip
import os
import struct
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    x = idx(os.path.join(d, "train-images-idx3-ubyte.gz")).reshape(60000, -1).astype(np.float64) / 255
    y = idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))
    xt = idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(10000, -1).astype(np.float64) / 255
    yt = idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    model = MLPClassifier(hidden_layer_sizes=(256,), activation="relu", solver="adam", alpha=0.0, batch_size=128,
                          learning_rate_init=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8, max_iter=5, shuffle=True,
                          tol=0.0, n_iter_no_change=10 ** 6, random_state=1)
    print(f"# sklearn {sklearn.__version__}, numpy {np.__version__}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}")
    w0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter = 5 is the point
        model.fit(x, y)
    w1, c1 = time.perf_counter(), time.process_time()
    accuracy = model.score(xt, yt)
    w2 = time.perf_counter()
    print(f"sklearn MLPClassifier 784-256-10 adam 5 epochs: fit wall {w1 - w0:.1f} s, cpu {c1 - c0:.1f} s; "
          f"with test evaluation wall {w2 - w0:.1f} s; final train loss {model.loss_:.4f}, test accuracy "
          f"{100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
