using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A residual junction with its activation in one pass (<see cref="ResidualJunction"/>) gives its plain twin's bits
/// and the two layers' (the sum, then σ) on MNIST-like values of both signs, with and without z kept, on lengths around
/// the vector widths and across its pieces; lengths that disagree, and a leaky ReLU without z, are refused.</summary>
public class ResidualJunctionTests
{
    public static TheoryData<int, int> Cases => new()
    {
        // length, activation: 0 none, 1 ReLU, 2 leaky ReLU
        { 0, 1 }, { 7, 1 }, { 17, 2 }, { 784, 0 }, { 2048, 1 }, { 2049, 2 }, { 784 * 7 + 5, 1 }, { 784 * 7 + 5, 2 },
    };

    private static PlaneActivation Activation(int kind) => kind switch { 1 => PlaneActivation.Rectifier, 2 => PlaneActivation.Leaky(0.2f), _ => PlaneActivation.None };

    [Theory, MemberData(nameof(Cases))]
    public void The_pass_matches_its_twin_and_the_two_layers_bit_for_bit(int length, int kind)
    {
        var pixels = Training.MnistTrainingTests.Mnist.Value.Train.Pixels;
        var f = new float[length]; var s = new float[length];
        for (int i = 0; i < length; i++)
        {
            f[i] = pixels[i] - 0.3f;
            s[i] = 0.2f - pixels[(i * 7 + 13) % pixels.Length];
        }
        var activation = Activation(kind);
        // The two layers: the sum, then σ over the whole of it.
        var zLayers = new float[length]; var aLayers = new float[length];
        System.Numerics.Tensors.TensorPrimitives.Add(f, s, zLayers);
        if (activation.IsNone) zLayers.CopyTo(aLayers); else activation.Forward(zLayers, aLayers);
        foreach (bool keep in kind == 2 ? new[] { true } : new[] { true, false })
        {
            float[] z = keep ? Unwritten(length) : [], a = Unwritten(length), zRef = keep ? Unwritten(length) : [], aRef = Unwritten(length);
            ResidualJunction.Forward(f, s, activation, z, a);
            ResidualJunction.ForwardReference(f, s, activation, zRef, aRef);
            Assert.Equal(aRef, a);
            Assert.Equal(aLayers, a);
            if (keep) { Assert.Equal(zRef, z); Assert.Equal(zLayers, z); }
        }
        if (length > 784 && kind != 0) Assert.Contains(aLayers, v => v != 0f && v != zLayers[0]);
    }

    private static float[] Unwritten(int n) => Enumerable.Repeat(float.NaN, n).ToArray();

    [Fact]
    public void Lengths_that_disagree_and_a_leaky_relu_without_its_input_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ResidualJunction.Forward(new float[8], new float[7], PlaneActivation.Rectifier, [], new float[8]));
        Assert.Contains("the body gives 8 floats, the shortcut 7", e.Message);
        var leaky = Assert.Throws<ArgumentException>(() => ResidualJunction.Forward(new float[8], new float[8], PlaneActivation.Leaky(0.2f), [], new float[8]));
        Assert.Contains("z must be kept", leaky.Message);
    }
}
