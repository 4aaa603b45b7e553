using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>One tiny network per exportable layer type (and per option that changes the graph), with random weights,
/// biases and batch-norm statistics from a fixed seed. <see cref="LayerParityTests"/> fails, naming the type, when an
/// exporter in <see cref="Export.LayerExporters.SupportedLayerTypes"/> has no case here.</summary>
public static class LayerCases
{
    private static Random R(int seed) => new(seed);

    private static (Layer, ModelCard) Case(string name, int[] input, params Layer[] layers) =>
        (new Sequential(layers), ExportHarness.Card(name, input));

    private static readonly Dictionary<string, Func<(Layer, ModelCard)>> All = new()
    {
        ["dense"] = () => (new Dense(7, 4, Initializer.Normal, R(1)), ExportHarness.Card("dense", 7)),
        ["dense_on_image"] = () => (new Dense(2 * 3 * 3, 5, Initializer.Scaled, R(2)), ExportHarness.Card("dense_on_image", 2, 3, 3)),
        ["relu"] = () => Case("relu", [6], new Dense(6, 6, Initializer.Normal, R(3)), new ReLU()),
        ["sigmoid"] = () => Case("sigmoid", [6], new Dense(6, 6, Initializer.Normal, R(3)), new Sigmoid()),
        ["tanh"] = () => Case("tanh", [6], new Dense(6, 6, Initializer.Normal, R(3)), new Tanh()),
        ["scale-shift"] = () => Case("scale-shift", [6], new Dense(6, 6, Initializer.Normal, R(3)), new Tanh(), ScaleShift.TanhToUnit()),
        ["leaky_relu"] = () => Case("leaky_relu", [6], new Dense(6, 6, Initializer.Normal, R(3)), new LeakyReLU(0.2f)),
        ["softmax"] = () => Case("softmax", [6], new Dense(6, 4, Initializer.Normal, R(3)), new Softmax()),
        ["softmax_on_image"] = () => Case("softmax_on_image", [2, 3, 3], new Conv2d(2, 2, 3, padding: 1, rng: R(3)), new Softmax(), new Flatten()),
        ["dropout"] = () => Case("dropout", [6], new Dense(6, 6, Initializer.Normal, R(3)), new Dropout(0.5f, seed: 4), new Dense(6, 3, Initializer.Normal, R(5))),
        ["mlp"] = () => Case("mlp", [1, 4, 4], new Dense(16, 10, Initializer.He, R(4)), new ReLU(), new Dense(10, 3, Initializer.Xavier, R(5))),
        ["nested_sequential"] = () => Case("nested_sequential", [5],
            new Sequential(new Dense(5, 5, Initializer.Normal, R(6)), new ReLU()), new Dense(5, 2, Initializer.Normal, R(7))),
        ["flatten"] = () => Case("flatten", [2, 3, 3], new Flatten(), new Dense(18, 3, Initializer.Normal, R(8))),
        ["conv2d"] = () => Case("conv2d", [3, 9, 9], new Conv2d(3, 4, 3, rng: R(9)), WithBias(4, 10), new Flatten()),
        ["conv2d_stride_padding_dilation"] = () => Case("conv2d_stride_padding_dilation", [2, 11, 10],
            new Conv2d(2, 3, (3, 2), (2, 1), (2, 1), (2, 3), rng: R(11)), new Flatten()),
        ["conv2d_no_bias"] = () => Case("conv2d_no_bias", [2, 6, 6], new Conv2d(2, 3, 3, stride: 2, padding: 1, bias: false, rng: R(12)), new Flatten()),
        ["conv_transpose2d"] = () => Case("conv_transpose2d", [3, 4, 5],
            new ConvTranspose2d(3, 2, 3, stride: 2, padding: 1, outputPadding: 1, rng: R(13)), new Flatten()),
        ["conv_transpose2d_dilation"] = () => Case("conv_transpose2d_dilation", [2, 4, 4],
            new ConvTranspose2d(2, 3, (2, 3), (1, 2), (0, 1), (0, 1), (2, 1), rng: R(14)), new Flatten()),
        ["max_pool2d"] = () => Case("max_pool2d", [2, 7, 7], new MaxPool2d(3, 2, 1), new Flatten()),
        ["max_pool2d_default_stride"] = () => Case("max_pool2d_default_stride", [2, 8, 6], new MaxPool2d(2), new Flatten()),
        ["avg_pool2d"] = () => Case("avg_pool2d", [2, 7, 7], new AvgPool2d(3, 2, 1), new Flatten()),
        ["avg_pool2d_count_include_pad"] = () => Case("avg_pool2d_count_include_pad", [2, 7, 7], new AvgPool2d(3, 2, 1, countIncludePad: true), new Flatten()),
        ["global_avg_pool"] = () => Case("global_avg_pool", [3, 5, 4], new GlobalAvgPool(), new Flatten()),
        ["batch_norm2d"] = () => Case("batch_norm2d", [3, 4, 4], TrainedBatchNorm(3, 15), new Flatten()),
        ["batch_norm1d"] = () => Case("batch_norm1d", [5], new Dense(5, 6, Initializer.Normal, R(26)), TrainedBatchNorm1d(6, 27)),
        ["reshape"] = () => Case("reshape", [12], new Reshape(3, 2, 2), new Conv2d(3, 2, 2, rng: R(28)), new Flatten()),
        ["residual"] = () => Case("residual", [2, 5, 5],
            new Residual(new Sequential(new Conv2d(2, 2, 3, padding: 1, rng: R(16)), new ReLU(), new Conv2d(2, 2, 3, padding: 1, rng: R(17)))),
            new ReLU(), new Flatten()),
        ["residual_projection"] = () => Case("residual_projection", [2, 6, 6],
            new Residual(new Sequential(new Conv2d(2, 4, 3, stride: 2, padding: 1, rng: R(18)), TrainedBatchNorm(4, 19)),
                new Sequential(new Conv2d(2, 4, 1, stride: 2, rng: R(20)), TrainedBatchNorm(4, 21))),
            new Flatten()),
        ["branches"] = () => Case("branches", [3, 6, 6],
            new Branches(
                new Conv2d(3, 2, 1, rng: R(22)),
                new Sequential(new Conv2d(3, 2, 1, rng: R(23)), new ReLU(), new Conv2d(2, 3, 3, padding: 1, rng: R(24))),
                new Sequential(new MaxPool2d(3, 1, 1), new Conv2d(3, 1, 1, rng: R(25)))),
            new GlobalAvgPool(), new Flatten()),
        ["unet_skip_block"] = () => Case("unet_skip_block", [2, 6, 6],
            new UNetSkipBlock(new Sequential(new LeakyReLU(0.2f), new Conv2d(2, 3, 4, stride: 2, padding: 1, rng: R(30))), null,
                new Sequential(new ReLU(), new ConvTranspose2d(3, 4, 4, stride: 2, padding: 1, rng: R(31)), TrainedBatchNorm(4, 32))),
            new Flatten()),
        ["unet"] = () => Case("unet", [1, 16, 16], TrainedUNet(), new Flatten()),
    };

    public static IEnumerable<string> Names => All.Keys;

    /// <summary>The case's network with every bias, γ, β and running statistic it has made non-trivial
    /// (<see cref="RealValues.Roughen"/>): a zero bias or a unit γ would let an exporter that drops it pass.</summary>
    public static (Layer Network, ModelCard Card) Build(string name)
    {
        var (network, card) = All[name]();
        return (RealValues.Roughen(network, seed: 41), card);
    }

    /// <summary>A convolution whose bias is non-zero, so that the bias initializer is exercised.</summary>
    private static Conv2d WithBias(int channels, int seed)
    {
        var c = new Conv2d(channels, channels, 1, rng: R(seed));
        var rng = R(seed + 100);
        foreach (ref float b in c.Bias!.Value.Span) b = (float)(rng.NextDouble() - 0.5);
        return c;
    }

    /// <summary>The pix2pix U-Net at 16×16 (4 levels), its batch-norms' running statistics moved off (0, 1) by a few
    /// training passes so that the exported inference-mode normalisation is exercised.</summary>
    private static Layer TrainedUNet()
    {
        var unet = NeuralPipelines.Models.Generative.Pix2Pix.UNet.Build(16, ngf: 2, seed: 33);
        var rng = R(34);
        var x = new Tensor(4, 1, 16, 16);
        for (int step = 0; step < 3; step++)
        {
            foreach (ref float v in x.Span) v = (float)(rng.NextDouble() * 2 - 1);
            unet.Forward(x, training: true);
        }
        return unet;
    }

    /// <summary>BatchNorm1d with random γ, β and running statistics moved by training forward passes.</summary>
    private static BatchNorm1d TrainedBatchNorm1d(int features, int seed)
    {
        var bn = new BatchNorm1d(features, momentum: 0.5f);
        var rng = R(seed);
        foreach (ref float g in bn.Gamma.Value.Span) g = 0.5f + (float)rng.NextDouble();
        foreach (ref float b in bn.Beta.Value.Span) b = (float)(rng.NextDouble() - 0.5);
        var x = new Tensor(4, features);
        for (int step = 0; step < 3; step++)
        {
            foreach (ref float v in x.Span) v = (float)(rng.NextDouble() * 3 + 1);
            bn.Forward(x, training: true);
        }
        return bn;
    }

    /// <summary>Batch-norm with random γ, β and running statistics that training forward passes have moved away from 0 and 1.</summary>
    private static BatchNorm2d TrainedBatchNorm(int channels, int seed)
    {
        var bn = new BatchNorm2d(channels, momentum: 0.5f);
        var rng = R(seed);
        foreach (ref float g in bn.Gamma.Value.Span) g = 0.5f + (float)rng.NextDouble();
        foreach (ref float b in bn.Beta.Value.Span) b = (float)(rng.NextDouble() - 0.5);
        var x = new Tensor(4, channels, 3, 3);
        for (int step = 0; step < 3; step++)
        {
            foreach (ref float v in x.Span) v = (float)(rng.NextDouble() * 3 + 1);
            bn.Forward(x, training: true);
        }
        return bn;
    }
}
