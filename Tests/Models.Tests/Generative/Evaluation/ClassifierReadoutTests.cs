using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Losses;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary><see cref="ClassifierReadout.ProbabilitiesOf"/> reads logits of any size as probabilities: a network that is very
/// sure (a logit in the hundreds, as an image far from the training pixels gives) has confidence 1, not NaN (audit M3).</summary>
public class ClassifierReadoutTests
{
    [Fact]
    public void Softmax_of_large_logits_is_finite_and_sums_to_one()
    {
        float[] logits = [1000f, 0f, -1000f, 500f, 999f, 90f];
        var p = new float[6];
        ClassifierReadout.ProbabilitiesOf(OutputActivation.Softmax, logits, 2, 3, p);
        Assert.All(p, v => Assert.True(float.IsFinite(v), $"probabilities [{string.Join(", ", p)}]"));
        Assert.Equal(1f, p[0]);
        Assert.Equal(1f, p[3] + p[4] + p[5], 5);
        Assert.Equal(1f, p[4], 6);
        var shares = ClassShares.Of(p, 3);
        Assert.True(double.IsFinite(shares.MeanConfidence));
    }

    [Fact]
    public void Softmax_of_small_logits_is_unchanged_by_the_shift()
    {
        float[] logits = [0.5f, -1f, 2f];
        var p = new float[3];
        ClassifierReadout.ProbabilitiesOf(OutputActivation.Softmax, logits, 1, 3, p);
        var expected = new float[3];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(logits, expected);
        for (int j = 0; j < 3; j++) Assert.Equal(expected[j], p[j], 6);
    }
}
