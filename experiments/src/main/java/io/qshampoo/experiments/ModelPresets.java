package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parameter shape lists of the models in Li et al. 2025 (and Wang et al. 2024), written from the architectures.
 * Every tensor is listed, weights and biases/norm vectors alike (vectors fall back to the grafted diagonal method
 * and carry no Shampoo factor). Assumptions, preset by preset:
 *
 * <ul>
 *   <li><b>resnet34</b> — ResNet-34 (He et al. 2016) in its CIFAR form as used for CIFAR-100 (as in the widely used
 *       kuangliu/pytorch-cifar): a 3×3 stride-1 stem with 64 channels and no max-pool, BasicBlocks [3, 4, 6, 3]
 *       with 64/128/256/512 channels, a 1×1 convolution + BN shortcut where the shape changes, convolutions without
 *       bias, BatchNorm weight and bias per convolution, a 100-way linear head. Conv weights keep their 4-D shape
 *       (out, in, k, k); the optimizer views them as (out, in·k·k). About 21.3 M parameters.</li>
 *   <li><b>vit-small</b> — ViT-Small (Dosovitskiy et al. 2021; d = 384, 12 layers, 6 heads, MLP 1536) on 32×32
 *       CIFAR-100 images with 4×4 patches (64 patches + a class token = 65 tokens), pre-norm blocks with fused qkv,
 *       biases everywhere, a 100-way head. The class token (1, 1, 384) and the position embedding (1, 65, 384)
 *       are listed with their size-1 dimensions squeezed, (384) and (65, 384), as Distributed Shampoo does;
 *       unsqueezed, the optimizer's rank ≥ 3 rule would view the embedding as (1, 24960). About 21.4 M parameters.</li>
 *   <li><b>llama-130m</b>, <b>llama-350m</b>, <b>llama-1b</b> — the LLaMA configurations of GaLore's C4 benchmark
 *       (Zhao et al. 2024, configs/llama_130m.json, llama_350m.json, llama_1b.json), which Li et al. follow:
 *       hidden 768/1024/2048, intermediate 2048/2736/5461, 12/24/24 layers, vocabulary 32000. Per layer q, k, v, o
 *       (d, d), SwiGLU gate and up (ffn, d), down (d, ffn), two RMSNorm weights (d); an input embedding and a
 *       separate LM head (32000, d) (HF LlamaConfig's default tie_word_embeddings = false); a final norm (d);
 *       no biases. About 134 M, 368 M and 1.34 G parameters.</li>
 * </ul>
 */
public final class ModelPresets {

    /** The preset ids. */
    public static final List<String> IDS = List.of("resnet34", "vit-small", "llama-130m", "llama-350m", "llama-1b");

    private ModelPresets() {
    }

    /**
     * The layer shapes of a preset.
     *
     * @throws IllegalArgumentException for an unknown id
     */
    public static List<LayerShape> of(String id) {
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "resnet34" -> resnet34(100);
            case "vit-small" -> vitSmall(384, 12, 1536, 65, 4, 100);
            case "llama-130m" -> llama(768, 2048, 12, 32000);
            case "llama-350m" -> llama(1024, 2736, 24, 32000);
            case "llama-1b" -> llama(2048, 5461, 24, 32000);
            default -> throw new IllegalArgumentException("unknown preset \"" + id + "\"; expected one of " + IDS);
        };
    }

    /** Total parameter count of a shape list. */
    public static long parameters(List<LayerShape> shapes) {
        long total = 0;
        for (LayerShape s : shapes) {
            try {
                total = Math.addExact(total, s.elements() * s.count()); // the product fits: LayerShape checks it
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the shapes hold more than 2^63 parameters in all; expected a "
                        + "countable model");
            }
        }
        return total;
    }

    static List<LayerShape> resnet34(int classes) {
        List<LayerShape> l = new ArrayList<>();
        l.add(new LayerShape("conv1.weight", new int[] {64, 3, 3, 3}, 1));
        int[] blocks = {3, 4, 6, 3};
        int[] widths = {64, 128, 256, 512};
        int bn64 = 1; // stem BN
        int[] bnCount = new int[4];
        int in = 64;
        for (int s = 0; s < 4; s++) {
            int w = widths[s];
            String p = "layer" + (s + 1);
            if (in != w) {
                l.add(new LayerShape(p + ".0.conv1.weight", new int[] {w, in, 3, 3}, 1));
                l.add(new LayerShape(p + ".0.shortcut.0.weight", new int[] {w, in, 1, 1}, 1));
                bnCount[s] += 1; // shortcut BN
            }
            int same = 2 * blocks[s] - (in != w ? 1 : 0);
            l.add(new LayerShape(p + ".*.conv*.weight (" + w + "→" + w + ")", new int[] {w, w, 3, 3}, same));
            bnCount[s] += 2 * blocks[s];
            in = w;
        }
        bnCount[0] += bn64;
        for (int s = 0; s < 4; s++) {
            l.add(new LayerShape("bn weights and biases (" + widths[s] + ")", new int[] {widths[s]}, 2 * bnCount[s]));
        }
        l.add(new LayerShape("linear.weight", new int[] {classes, 512}, 1));
        l.add(new LayerShape("linear.bias", new int[] {classes}, 1));
        return l;
    }

    static List<LayerShape> vitSmall(int d, int depth, int mlp, int tokens, int patch, int classes) {
        List<LayerShape> l = new ArrayList<>();
        l.add(new LayerShape("patch_embed.proj.weight", new int[] {d, 3, patch, patch}, 1));
        l.add(new LayerShape("patch_embed.proj.bias", new int[] {d}, 1));
        l.add(new LayerShape("cls_token (squeezed)", new int[] {d}, 1));
        l.add(new LayerShape("pos_embed (squeezed)", new int[] {tokens, d}, 1));
        l.add(new LayerShape("blocks.*.attn.qkv.weight", new int[] {3 * d, d}, depth));
        l.add(new LayerShape("blocks.*.attn.qkv.bias", new int[] {3 * d}, depth));
        l.add(new LayerShape("blocks.*.attn.proj.weight", new int[] {d, d}, depth));
        l.add(new LayerShape("blocks.*.mlp.fc1.weight", new int[] {mlp, d}, depth));
        l.add(new LayerShape("blocks.*.mlp.fc1.bias", new int[] {mlp}, depth));
        l.add(new LayerShape("blocks.*.mlp.fc2.weight", new int[] {d, mlp}, depth));
        l.add(new LayerShape("blocks.*.{norm1,norm2}.{weight,bias}, attn.proj.bias, mlp.fc2.bias", new int[] {d},
                6 * depth));
        l.add(new LayerShape("norm.{weight,bias}", new int[] {d}, 2));
        l.add(new LayerShape("head.weight", new int[] {classes, d}, 1));
        l.add(new LayerShape("head.bias", new int[] {classes}, 1));
        return l;
    }

    static List<LayerShape> llama(int d, int ffn, int layers, int vocab) {
        List<LayerShape> l = new ArrayList<>();
        l.add(new LayerShape("embed_tokens.weight", new int[] {vocab, d}, 1));
        l.add(new LayerShape("layers.*.self_attn.{q,k,v,o}_proj.weight", new int[] {d, d}, 4 * layers));
        l.add(new LayerShape("layers.*.mlp.{gate,up}_proj.weight", new int[] {ffn, d}, 2 * layers));
        l.add(new LayerShape("layers.*.mlp.down_proj.weight", new int[] {d, ffn}, layers));
        l.add(new LayerShape("layers.*.{input,post_attention}_layernorm.weight, norm.weight", new int[] {d}, 2 * layers + 1));
        l.add(new LayerShape("lm_head.weight", new int[] {vocab, d}, 1));
        return l;
    }
}
