using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary><see cref="Layer.ParameterGradients"/> off: backward gives the same ∂C/∂x, bit for bit, and leaves ∂C/∂w and ∂C/∂b
/// as they were, on each route (direct, whole-batch columns, chunked columns, cropped taps).</summary>
public class Conv2dWeightGradientSwitchTests
{
    public static TheoryData<int, int, int, int, int, int> Routes => new()
    {
        // in, out, size, kernel, stride, batch
        { 3, 8, 12, 3, 1, 2 },     // direct kernel (27 taps)
        { 64, 4, 8, 4, 2, 2 },     // whole-batch columns (1024 taps, small batch)
        { 64, 8, 14, 4, 2, 48 },   // chunked columns (DCGAN's geometry: 1024 × 49 × 48 column floats ≥ two chunks)
        { 16, 4, 2, 4, 2, 3 },     // cropped taps: 2×2 → 1×1
    };

    [Theory, MemberData(nameof(Routes))]
    public void Without_weight_gradients_backward_gives_the_same_input_gradient(int inC, int outC, int size, int k, int s, int batch)
    {
        var layer = new Conv2d(inC, outC, k, stride: s, padding: 1, rng: new Random(1));
        var x = GradientCheck.Random(new Random(2), batch, inC, size, size);
        var y = layer.Forward(x, true);
        var dy = GradientCheck.Random(new Random(3), y.ShapeArray());
        var expected = layer.Backward(dy).Span.ToArray();
        float[] dw = layer.Weight.Gradient.Span.ToArray(), db = layer.Bias!.Gradient.Span.ToArray();
        Assert.Contains(dw, v => v != 0f);

        layer.ParameterGradients = false;
        layer.Forward(x, true);
        Assert.Equal(expected, layer.Backward(dy).Span.ToArray());
        Assert.Equal(dw, layer.Weight.Gradient.Span.ToArray());
        Assert.Equal(db, layer.Bias.Gradient.Span.ToArray());
    }
}
