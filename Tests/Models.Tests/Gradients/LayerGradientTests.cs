using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>Every layer's backward pass against central finite differences, for its input and each parameter.</summary>
public class LayerGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> LayerNames => new() { "dense", "sigmoid", "tanh", "relu", "leaky-relu", "softmax", "dropout", "sequential", "batch-norm1d", "reshape", "scale-shift" };

    internal static Layer Make(string name) => name switch
    {
        "dense" => new Dense(5, 4, Initializer.Scaled, new Random(3)),
        "sigmoid" => new Sigmoid(),
        "tanh" => new Tanh(),
        "relu" => new ReLU(),
        "leaky-relu" => new LeakyReLU(0.1f),
        "softmax" => new Softmax(),
        "dropout" => new Dropout(0.4f),
        "sequential" => new Sequential(new Dense(5, 6, Initializer.Scaled, new Random(4)), new Tanh(), new Dropout(0.3f),
                                       new Dense(6, 4, Initializer.Scaled, new Random(5)), new Sigmoid()),
        "batch-norm1d" => TrainedBatchNorm1d(),
        "reshape" => new Sequential(new NeuralPipelines.Models.Layers.Conv.Reshape(1, 5), new Dense(5, 4, Initializer.Scaled, new Random(6))),
        "scale-shift" => new ScaleShift(-1.5f, 0.25f),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Backward_matches_finite_differences(string name)
    {
        var layer = Make(name);
        var x = GradientCheck.Random(11, 2f, 0.05f, 3, 5);
        var (error, where, _) = GradientCheck.Layer(layer, x, beforeForward: () => Reseed(layer));
        output.WriteLine($"{name}: worst relative error {error:E2} ({where})");
        Assert.True(error <= GradientCheck.Tolerance, $"{name}: relative error {error:E2} at {where}");
    }

    [Fact]
    public void Dense_accepts_image_shaped_input_and_checks_against_finite_differences()
    {
        var layer = new Dense(12, 3, Initializer.He, new Random(2));
        var x = GradientCheck.Random(5, 1f, 0f, 2, 1, 3, 4);
        var (error, where, _) = GradientCheck.Layer(layer, x);
        Assert.True(error <= GradientCheck.Tolerance, $"relative error {error:E2} at {where}");
        Assert.Equal([2, 1, 3, 4], layer.Backward(new Tensor(2, 3)).ShapeArray());
    }

    [Fact]
    public void A_first_dense_layer_without_input_gradient_gets_the_same_weight_gradients()
    {
        var x = GradientCheck.Random(8, 1f, 0f, 4, 6);
        var dy = GradientCheck.Random(9, 1f, 0f, 4, 3);
        var full = new Dense(6, 3, Initializer.Scaled, new Random(1));
        var first = new Dense(6, 3, Initializer.Scaled, new Random(1)) { InputGradient = false };
        full.Forward(x, true); var dxFull = full.Backward(dy);
        first.Forward(x, true); var dxFirst = first.Backward(dy);
        Assert.Equal(full.Weight.Gradient.Span.ToArray(), first.Weight.Gradient.Span.ToArray());
        Assert.Equal(full.Bias.Gradient.Span.ToArray(), first.Bias.Gradient.Span.ToArray());
        Assert.All(dxFirst.Span.ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(dxFull.Span.ToArray(), v => v != 0f);
        var rebuilt = (Dense)LayerRegistry.Build(LayerSpec.FromJson(first.Spec.ToJson()));
        Assert.False(rebuilt.InputGradient);
    }

    /// <summary>Batch-norm with γ and β away from 1 and 0, so that their gradients and the input's are all exercised.</summary>
    private static BatchNorm1d TrainedBatchNorm1d()
    {
        var bn = new BatchNorm1d(5);
        var rng = new Random(12);
        foreach (ref float g in bn.Gamma.Value.Span) g = 0.5f + (float)rng.NextDouble();
        foreach (ref float b in bn.Beta.Value.Span) b = (float)(rng.NextDouble() - 0.5);
        return bn;
    }

    /// <summary>Fixes dropout masks between the forward passes of a finite-difference probe.</summary>
    internal static void Reseed(Layer layer)
    {
        int i = 0;
        void Walk(Layer l)
        {
            if (l is IStochasticLayer s) s.Reseed(100 + i++);
            foreach (var c in l.Children) Walk(c);
        }
        Walk(layer);
    }
}
