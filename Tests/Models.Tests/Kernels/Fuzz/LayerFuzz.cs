using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>A random whole layer on a random odd shape, built afresh (the same weights) for each run: a convolution, its
/// transpose, a batch norm alone or with a fused ReLU / leaky ReLU, max or mean pooling, a dense layer, or two levels of a
/// pix2pix U-Net (the inner level's join fused with the outer level's ReLU); its input, δ, and the longest reduction a
/// value passes through (what the tolerance between widths scales with).</summary>
public sealed record LayerFuzz(string Name, Func<Layer> Build, float[] Input, int[] InputShape, float[] Delta, int[] OutputShape, long Reduction)
{
    public static LayerFuzz Random(Random rng)
    {
        int seed = rng.Next();
        int n = rng.Next(1, 5), c = rng.Next(1, 20), o = rng.Next(1, 20), h = rng.Next(1, 16), w = rng.Next(1, 16);
        int k = rng.Next(1, 6), s = rng.Next(1, 4), p = rng.Next(0, 3), d = rng.Next(6) == 0 ? 2 : 1;
        while (h + 2 * p < d * (k - 1) + 1 || w + 2 * p < d * (k - 1) + 1) { h++; w++; }
        switch (rng.Next(7))
        {
            case 0:
                return Make($"Conv2d {c}→{o}, kernel {k}, stride {s}, padding {p}, dilation {d}", rng,
                    () => GradientCases.WithRealValues(new Conv2d(c, o, k, s, p, d, rng: new Random(seed)), seed), [n, c, h, w], (long)c * k * k + (long)n * h * w);
            case 1:
                p = Math.Min(p, k - 1);
                int outputPadding = rng.Next(0, s);
                while ((Math.Min(h, w) - 1) * s - 2 * p + k + outputPadding < 1) { h++; w++; }
                return Make($"ConvTranspose2d {c}→{o}, kernel {k}, stride {s}, padding {p}, output padding {outputPadding}", rng,
                    () => GradientCases.WithRealValues(new ConvTranspose2d(c, o, k, s, p, outputPadding, rng: new Random(seed)), seed), [n, c, h, w],
                    (long)c * k * k + (long)n * h * w * s * s);
            case 2:
                bool leaky = rng.Next(2) == 0;
                return Make($"BatchNorm2d({c}) + {(leaky ? "LeakyReLU" : "ReLU")}", rng,
                    () => GradientCases.WithRealValues(new Sequential(new BatchNorm2d(c), leaky ? new LeakyReLU(0.2f) : new ReLU()), seed), [n, c, h, w], (long)n * h * w);
            case 3:
                return Make($"BatchNorm2d({c})", rng, () => GradientCases.WithRealValues(new BatchNorm2d(c), seed), [n, c, h, w], (long)n * h * w);
            case 4:
                k = Math.Min(k, 4);
                p = Math.Min(p, k / 2);
                while (h + 2 * p < k || w + 2 * p < k) { h++; w++; }
                bool max = rng.Next(2) == 0, countPad = rng.Next(2) == 0;
                return Make(max ? $"MaxPool2d {k}, stride {s}, padding {p}" : $"AvgPool2d {k}, stride {s}, padding {p}{(countPad ? ", padding counted" : "")}", rng,
                    () => max ? new MaxPool2d(k, s, p) : new AvgPool2d(k, s, p, countPad), [n, c, h, w], (long)k * k);
            case 5:
                int inputs = rng.Next(1, 300), outputs = rng.Next(1, 100);
                return Make($"Dense {inputs}→{outputs}", rng, () => new Dense(inputs, outputs, rng: new Random(seed)), [n * rng.Next(1, 9), inputs], inputs + n * 8L);
            default:
                // pix2pix's two outermost levels: 4×4 stride-2 convolutions down, their transposes up, batch norms, the skip joins.
                int f = rng.Next(1, 12), size = 4 * rng.Next(1, 5);
                Layer Net()
                {
                    var r = new Random(seed);
                    var inner = new UNetSkipBlock(
                        new Sequential(new LeakyReLU(0.2f), new Conv2d(f, 2 * f, 4, 2, 1, rng: r)), null,
                        new Sequential(new ReLU(), new ConvTranspose2d(2 * f, f, 4, 2, 1, rng: r), new BatchNorm2d(f)));
                    return GradientCases.WithRealValues(new UNetSkipBlock(
                        new Sequential(new Conv2d(c, f, 4, 2, 1, rng: r)), inner,
                        new Sequential(new ReLU(), new ConvTranspose2d(2 * f, o, 4, 2, 1, rng: r), new Tanh()), outermost: true), seed);
                }
                return Make($"U-Net of two levels {c}→{f}→{2 * f}→{o} on {size}×{size}", rng, Net, [n, c, size, size], 16L * (c + 4 * f) + (long)n * size * size);
        }
    }

    private static LayerFuzz Make(string name, Random rng, Func<Layer> build, int[] inputShape, long reduction)
    {
        int[] outputShape = [inputShape[0], .. build().OutputShape(inputShape.AsSpan(1))];
        var x = FuzzRun.Values(rng, inputShape.Aggregate(1L, (a, b) => a * b));
        var dy = FuzzRun.Values(rng, outputShape.Aggregate(1L, (a, b) => a * b));
        return new LayerFuzz($"{name} on [{string.Join("×", inputShape)}]", build, x, inputShape, dy, outputShape, reduction);
    }

    /// <summary>One training step's forward and backward on a fresh layer: y, ∂C/∂x, then every parameter's gradient and
    /// every buffer (the batch norms' running statistics), in the layer's order.</summary>
    public (string Name, float[] Values)[] Run()
    {
        var layer = Build();
        var y = layer.Forward(new Tensor((float[])Input.Clone(), InputShape), training: true).Span.ToArray();
        var dx = layer.Backward(new Tensor((float[])Delta.Clone(), OutputShape)).Span.ToArray();
        var outputs = new List<(string, float[])> { ("y", y), ("∂C/∂x", dx) };
        int i = 0;
        foreach (var l in Enumerate(layer))
        {
            foreach (var p in l.Parameters) outputs.Add(($"∂C/∂{p.Name} #{i}", p.Gradient.Span.ToArray()));
            foreach (var b in l.Buffers) outputs.Add(($"buffer #{i}", b.Span.ToArray()));
            i++;
        }
        return [.. outputs];
    }

    private static IEnumerable<Layer> Enumerate(Layer layer) => layer.Children.SelectMany(Enumerate).Prepend(layer);
}
