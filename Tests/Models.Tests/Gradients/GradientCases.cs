using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>One finite-difference case per layer kind that <see cref="LayerRegistry"/> knows, keyed by that kind, with
/// real values: random non-zero biases, batch-norm γ and β away from 1 and 0, inputs of both signs.</summary>
/// <remarks>Keyed by the registry's own kind names so that <see cref="LayerGradientTests"/> can fail, naming the kind, when a
/// layer is registered without a case here. Composites take smooth activations (tanh) inside, so that a finite-difference
/// step of 1e-2 never crosses a ReLU kink; the max-pooling cases take inputs 0.01 apart (<see cref="Distinct"/>) so that
/// a step of 1e-3 never changes which input wins a window.</remarks>
public static class GradientCases
{
    /// <summary>A layer, the batch it is probed at, the finite-difference step and whether the training pass is checked.</summary>
    public sealed record Case(Layer Layer, Tensor Input, float Step = 1e-3f, bool Training = true);

    private static Random R(int seed) => new(seed);

    private static Tensor Signed(int seed, params int[] shape) => GradientCheck.Random(seed, 2f, 0.05f, shape);

    private static readonly Dictionary<string, Func<Case>> All = new()
    {
        ["dense"] = () => new(new Dense(5, 4, Initializer.Scaled, R(3)), Signed(11, 3, 5)),
        ["sigmoid"] = () => new(new Sigmoid(), Signed(11, 3, 5)),
        ["tanh"] = () => new(new Tanh(), Signed(11, 3, 5)),
        ["relu"] = () => new(new ReLU(), Signed(11, 3, 5)),
        ["leaky-relu"] = () => new(new LeakyReLU(0.1f), Signed(11, 3, 5)),
        ["softmax"] = () => new(new Softmax(), Signed(11, 3, 5)),
        ["dropout"] = () => new(new Dropout(0.4f), Signed(11, 3, 5)),
        ["scale-shift"] = () => new(new ScaleShift(-1.5f, 0.25f), Signed(11, 3, 5)),
        ["sequential"] = () => new(new Sequential(new Dense(5, 6, Initializer.Scaled, R(4)), new Tanh(), new Dropout(0.3f),
            new Dense(6, 4, Initializer.Scaled, R(5)), new Sigmoid()), Signed(11, 3, 5)),
        ["batch_norm1d"] = () => new(WithRealValues(new BatchNorm1d(5), 12), Signed(11, 3, 5)),
        ["reshape"] = () => new(new Sequential(new Reshape(1, 5), new Dense(5, 4, Initializer.Scaled, R(6))), Signed(11, 3, 5)),
        ["flatten"] = () => new(new Flatten(), Signed(13, 2, 2, 3, 3)),
        ["conv2d"] = () => new(WithRealValues(new Conv2d(2, 3, (3, 2), (2, 1), (1, 1), (1, 2), rng: R(14)), 15), Signed(16, 2, 2, 6, 5)),
        ["conv_transpose2d"] = () => new(WithRealValues(new ConvTranspose2d(2, 3, 3, stride: 2, padding: 1, outputPadding: 1, rng: R(17)), 18),
            Signed(19, 2, 2, 3, 4)),
        // Every input negative (−2.48 to −0.52): a window that overlaps the padding must still pick a real input.
        ["max_pool2d"] = () => new(new MaxPool2d(3, 2, 1), Distinct(20, centre: -1.5f, 2, 2, 7, 7)),
        ["avg_pool2d"] = () => new(new AvgPool2d(3, 2, 1), Signed(21, 2, 3, 7, 7)),
        ["global_avg_pool"] = () => new(new GlobalAvgPool(), Signed(22, 3, 2, 5, 3)),
        ["batch_norm2d"] = () => new(WithRealValues(new BatchNorm2d(3), 23), Signed(24, 4, 3, 3, 5), Step: 1e-2f),
        ["residual"] = () => new(WithRealValues(new Residual(
                new Sequential(new Conv2d(2, 3, 3, padding: 1, rng: R(25)), new Tanh(), new Conv2d(3, 3, 3, padding: 1, rng: R(26))),
                new Conv2d(2, 3, 1, rng: R(27))), 28), Signed(29, 2, 2, 5, 5), Step: 1e-2f),
        ["branches"] = () => new(WithRealValues(new Branches(
                new Conv2d(3, 2, 1, rng: R(30)),
                new Sequential(new Conv2d(3, 2, 1, rng: R(31)), new Tanh(), new Conv2d(2, 3, 3, padding: 1, rng: R(32))),
                new Sequential(new MaxPool2d(3, 1, 1), new Conv2d(3, 1, 1, rng: R(33)))), 34), Distinct(35, centre: 0f, 2, 3, 5, 5)),
        // The batch-norm comes before the transposed convolution: after it, in training mode, it would cancel the bias,
        // whose gradient would then be zero and its relative error meaningless.
        ["unet-skip"] = () => new(WithRealValues(new UNetSkipBlock(
                new Sequential(new Conv2d(2, 3, 4, stride: 2, padding: 1, rng: R(36)), new Tanh()), null,
                new Sequential(new BatchNorm2d(3), new ConvTranspose2d(3, 4, 4, stride: 2, padding: 1, rng: R(37)))), 38),
            Signed(39, 3, 2, 6, 6), Step: 1e-2f),
    };

    public static IEnumerable<string> Kinds => All.Keys;

    public static Case Build(string kind) => All[kind]();

    /// <summary>Every layer kind in <paramref name="layer"/>'s tree, itself included.</summary>
    public static IEnumerable<string> KindsIn(Layer layer) => layer.Children.SelectMany(KindsIn).Prepend(layer.Spec.Kind);

    /// <summary>Distinct values 0.01 apart in a shuffled order, centred on <paramref name="centre"/>.</summary>
    public static Tensor Distinct(int seed, float centre, params int[] shape)
    {
        var t = new Tensor(shape);
        var order = Enumerable.Range(0, t.Length).ToArray();
        new Random(seed).Shuffle(order);
        for (int i = 0; i < t.Length; i++) t[i] = centre + (order[i] - t.Length / 2) * 0.01f;
        return t;
    }

    /// <summary>Replaces every bias and every batch-norm γ and β in <paramref name="layer"/>'s tree with random values
    /// (biases in ±0.5, γ in [0.5, 1.5)), so that no gradient is probed at the trivial 0 or 1 a layer starts from.</summary>
    public static T WithRealValues<T>(T layer, int seed) where T : Layer
    {
        var rng = new Random(seed);
        foreach (var p in layer.AllParameters().Where(p => p.Name is "bias" or "beta" or "gamma"))
        {
            float centre = p.Name == "gamma" ? 1f : 0f;
            foreach (ref float v in p.Value.Span) v = centre + (float)(rng.NextDouble() - 0.5);
        }
        return layer;
    }
}
