package io.qshampoo.quant;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The quantization mappings M : {0, …, 2^b − 1} → [−1, 1] that a {@link CodeTable} can be built from.
 * Each constant names one construction; {@link CodeTable#of(Mapping, int)} builds it in fp32 for
 * b = 3, 4 or 8.
 */
public enum Mapping {
    /**
     * Linear-square mapping of Li et al. Eq. 4 (and Wang et al.'s {@code create_linear_map(power=2)}):
     * {@code sign(v)·v²} over the fp32 linspace v of [−1, 1] with 2^b points, the entry at index
     * 2^(b−1) − 1 forced to 0. Asymmetric: +v₀² exists next to 0, −v₀² does not.
     */
    LINEAR_2("linear-2"),
    /**
     * Signed dynamic tree of Dettmers et al. ("8-bit optimizers via block-wise quantization"), with
     * b − 1 exponent bits, as {@code create_dynamic_map(signed=True)} builds it: has 0 and +1 but no −1.
     */
    DYNAMIC("dynamic"),
    /**
     * Plain uniform mapping: the fp32 linspace of [−1, 1] with 2^b points itself. It is symmetric
     * (entry 2^b − 1 − j is exactly −entry j) and, since 2^b is even, has <em>no</em> zero entry: an exact
     * 0 in a block with a non-zero absmax decodes to +N·(1/(2^b − 1)) (a tie, resolved to the even index
     * 2^(b−1)). Note this is not what the official {@code create_linear_map(power=1)} returns (that
     * function also forces index 2^(b−1) − 1 to 0); it is the uniform table docs/design.md asks for.
     */
    LINEAR("linear");

    private final String id;

    Mapping(String id) {
        this.id = id;
    }

    /** The mapping's name as docs/design.md and the command line spell it: "linear-2", "dynamic", "linear". */
    public String id() {
        return id;
    }

    /**
     * The mapping named {@code id}.
     *
     * @throws IllegalArgumentException if no mapping has that name
     */
    public static Mapping fromId(String id) {
        for (Mapping m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mapping \"" + id + "\"; expected one of "
                + Arrays.stream(values()).map(Mapping::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
