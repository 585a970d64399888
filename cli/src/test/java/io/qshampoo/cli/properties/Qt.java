package io.qshampoo.cli.properties;

import org.quicktheories.QuickTheory;

/** QuickTheories set-up for the claim suites: QT_EXAMPLES cases (200 by default, 5000 with -Pextended), QT_SEED to replay. */
final class Qt {

    static final double U = 0x1p-53;

    private Qt() {
    }

    static QuickTheory qt() {
        return QuickTheory.qt().withExamples(Integer.getInteger("QT_EXAMPLES", 200));
    }
}
