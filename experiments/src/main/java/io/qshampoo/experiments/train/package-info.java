/**
 * {@code qshampoo train}: SGD-M, AdamW and every Shampoo variant training the same MLP on real data.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Data</b> ({@link io.qshampoo.experiments.train.Datasets}): Fashion-MNIST with its official 60000/10000
 *       split, pixels/255; the UCI digits resource split by file order (first 1437 train, last 360 test),
 *       pixels/16. {@link io.qshampoo.experiments.train.IdxReader} reads IDX files, gzipped or not.</li>
 *   <li><b>Model</b> ({@link io.qshampoo.experiments.train.Mlp}): 784-256-10 (Fashion-MNIST) or 64-64-10 (digits),
 *       ReLU, softmax cross-entropy averaged over the batch; float32 parameters, float64 EJML compute;
 *       He-normal hidden layers, Glorot-uniform output layer, zero biases, from {@code Random(seed)}.</li>
 *   <li><b>Optimizers</b> ({@link io.qshampoo.experiments.train.Optimizers}): SGD with heavy-ball momentum 0.9
 *       (lr 0.05), AdamW (β 0.9/0.999, ε 1e-8, lr 1e-3), weight decay 0 by default; each Shampoo variant on
 *       one of them as base optimizer (default SGD-M, with its learning rate: SGD grafting per block gives
 *       the preconditioned step the gradient's Frobenius norm), library defaults otherwise, T1/T2 10/50
 *       (Fashion-MNIST, 469 steps per epoch: about 9 root refreshes per epoch) or 5/25 (digits, 45 steps per
 *       epoch). The official T1 = 100, T2 = 500 are meant for runs of tens of thousands of steps: over 5
 *       Fashion-MNIST epochs (2345 steps) they would refresh the roots only four times, the first after
 *       more than an epoch. Sketchy uses an FD buffer of ℓ = 128 per factor on Fashion-MNIST, keeping 127
 *       directions (the official code's default rank 128 would keep 128 with a buffer of 129; the paper's 256
 *       would equal the order of the 256-wide factors, which would then not be sketched at all) and ℓ = 16 on
 *       the digits.</li>
 *   <li><b>Training</b> ({@link io.qshampoo.experiments.train.Trainer}): the same initial weights and the same
 *       seeded batch order for every optimizer; per epoch the mean training loss over its batches, test loss
 *       and accuracy, exact optimizer-state bytes, wall time. Deterministic: one thread, fixed order.</li>
 *   <li><b>Outputs</b> ({@link io.qshampoo.experiments.train.TrainReport}): an aligned table on stdout,
 *       {@code results.csv}, {@code results.json}, and PNG curves.</li>
 * </ul>
 */
package io.qshampoo.experiments.train;
