using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The ReLU's loops give the plain twins' bits on MNIST activations (many exact zeros, as after a ReLU) centred
/// to take both signs, on lengths with and without a scalar tail.</summary>
public class RectifierTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(784)]
    [InlineData(784 * 3 + 5)]
    public void Forward_and_mask_match_the_plain_twins_bit_for_bit(int length)
    {
        var pixels = Training.MnistTrainingTests.Mnist.Value.Train.Pixels;
        var z = new float[length]; var dy = new float[length];
        for (int i = 0; i < length; i++)
        {
            z[i] = pixels[i] - 0.25f;
            dy[i] = pixels[(i * 7 + 13) % pixels.Length] - 0.5f;
        }
        float[] a = new float[length], aRef = new float[length], dx = new float[length], dxRef = new float[length];
        Rectifier.Forward(z, a);
        Rectifier.ForwardReference(z, aRef);
        Rectifier.Mask(a, dy, dx);
        Rectifier.MaskReference(aRef, dy, dxRef);
        Assert.Equal(aRef, a);
        Assert.Equal(dxRef, dx);
        if (length > 784) Assert.Contains(dx, v => v != 0f); // the first digit's top rows are all background
    }

    [Fact]
    public void A_mask_shorter_than_its_gradient_is_refused_with_the_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Rectifier.Mask(new float[3], new float[8], new float[8]));
        Assert.Contains("8 gradients", e.Message);
    }
}
