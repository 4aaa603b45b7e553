using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Tests.Kernels;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary><see cref="UNetSkipBlock.FusesSkipActivation"/>: each level's up-path ReLU applied inside the inner level's
/// join gives the bits of the join and the ReLU run apart: outputs, ∂C/∂x and every parameter's gradient over two training
/// passes (buffers reused), then inference; and the join's kernel against its plain twin followed by the ReLU's.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class UNetSkipActivationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_fused_join_gives_the_bits_of_the_join_then_the_relu(int threads)
    {
        using var settings = new KernelSettingsScope(threads: threads);
        try
        {
            var runs = new List<List<float[]>>();
            foreach (bool fused in new[] { true, false })
            {
                UNetSkipBlock.FusesSkipActivation = fused;
                // Same seed: the same weights and dropout streams in both networks.
                var g = UNet.Build(16, 1, 2, ngf: 4, seed: 3);
                var rng = new Random(4);
                var results = new List<float[]>();
                for (int pass = 0; pass < 2; pass++)
                {
                    var x = GradientCheck.Random(rng, 3, 1, 16, 16);
                    var y = g.Forward(x, training: true);
                    results.Add(y.Span.ToArray());
                    var dy = GradientCheck.Random(rng, y.ShapeArray());
                    results.Add(g.Backward(dy).Span.ToArray());
                    foreach (var p in g.AllParameters()) results.Add(p.Gradient.Span.ToArray());
                }
                results.Add(g.Forward(GradientCheck.Random(rng, 5, 1, 16, 16), training: false).Span.ToArray());
                runs.Add(results);
            }
            Assert.Equal(runs[1].Count, runs[0].Count);
            for (int i = 0; i < runs[0].Count; i++)
                Assert.True(runs[1][i].AsSpan().SequenceEqual(runs[0][i]), $"result {i} differs between the fused and the separate join");
        }
        finally { UNetSkipBlock.FusesSkipActivation = true; }
    }

    [Fact]
    public void The_join_with_an_activation_equals_its_plain_twin_then_the_activation()
    {
        var rng = new Random(5);
        var a = GradientCheck.Random(rng, 3, 2, 5, 7);
        var b = GradientCheck.Random(rng, 3, 4, 5, 7);
        var joined = new Tensor(3, 6, 5, 7);
        Concatenation.JoinReference(a, b, joined);
        var expected = new float[joined.Length];
        Rectifier.ForwardReference(joined.Span, expected);
        var fused = new Tensor(3, 6, 5, 7);
        Concatenation.Join(a, b, fused, PlaneActivation.Rectifier);
        Assert.Equal(expected, fused.Span.ToArray());
    }
}
