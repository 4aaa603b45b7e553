using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>Every zoo architecture, found by reflection (<see cref="ModelZoo.Architectures"/>): it builds for 28×28 grey and
/// 32×32 colour images, runs both passes, is seeded, round-trips through its spec, and refuses images below the smallest
/// size declared for it here.</summary>
public class ZooTests
{
    /// <summary>The smallest square image each architecture accepts (its pooling leaves nothing of smaller ones), or null
    /// for one that takes any size. Declared, not discovered: a new architecture without an entry fails
    /// <see cref="Every_architecture_declares_its_smallest_input"/>, and a wrong entry fails <see cref="Images_below_the_declared_size_are_refused_naming_both_shapes"/>.</summary>
    private static readonly Dictionary<string, int?> SmallestInput = new()
    {
        ["mlp"] = null,   // a dense layer over every pixel: any size
        ["lenet5"] = 12, ["alexnet"] = 16, ["vgg"] = 8, ["googlenet"] = 8, ["resnet"] = 8, ["resnet14"] = 8, ["resnet20"] = 8,
    };

    public static TheoryData<string> Networks => new(ModelZoo.Architectures.Select(a => a.Name));

    [Fact]
    public void Every_architecture_declares_its_smallest_input()
    {
        var missing = ModelZoo.Architectures.Select(a => a.Name).Except(SmallestInput.Keys).ToArray();
        Assert.True(missing.Length == 0, $"Zoo architectures without a declared smallest input in ZooTests: {string.Join(", ", missing)}.");
        var gone = SmallestInput.Keys.Where(n => !ModelZoo.Contains(n)).ToArray();
        Assert.True(gone.Length == 0, $"ZooTests declares architectures the zoo does not have: {string.Join(", ", gone)}.");
    }

    [Theory, MemberData(nameof(Networks))]
    public void Builds_for_28x28_grey_and_32x32_colour_and_runs_both_passes(string name)
    {
        foreach (var (c, h, w) in new[] { (1, 28, 28), (3, 32, 32) })
        {
            var net = ModelZoo.Build(name, new ZooOptions(c, h, w, 10, Seed: 3));
            Assert.Equal([10], net.OutputShape([c, h, w]));
            var x = GradientCheck.Random(new Random(1), 2, c, h, w);
            var y = net.Forward(x, training: true);
            Assert.Equal([2, 10], y.ShapeArray());
            Assert.All(y.Span.ToArray(), v => Assert.True(float.IsFinite(v)));
            var dx = net.Backward(GradientCheck.Random(new Random(2), 2, 10));
            Assert.Equal(x.ShapeArray(), dx.ShapeArray());
            Assert.Contains(net.AllParameters(), p => TensorPrimitivesMaxAbs(p.Gradient) > 0);
        }
    }

    private static float TensorPrimitivesMaxAbs(Tensor t) => t.Span.ToArray().Max(Math.Abs);

    [Theory, MemberData(nameof(Networks))]
    public void Same_seed_same_weights_and_spec_round_trips(string name)
    {
        var o = new ZooOptions(1, 28, 28, 10, Seed: 5);
        var a = ModelZoo.Build(name, o);
        var b = ModelZoo.Build(name, o);
        var c = ModelZoo.Build(name, o with { Seed = 6 });
        Assert.Equal(a.AllParameters().SelectMany(p => p.Value.Span.ToArray()), b.AllParameters().SelectMany(p => p.Value.Span.ToArray()));
        Assert.NotEqual(a.AllParameters().First().Value.Span.ToArray(), c.AllParameters().First().Value.Span.ToArray());
        var rebuilt = LayerRegistry.Build(LayerSpec.FromJson(a.Spec.ToJson()));
        Assert.Equal(a.Spec.ToJson(), rebuilt.Spec.ToJson());
        Assert.Equal(a.ParameterCount(), rebuilt.ParameterCount());
    }

    [Theory, MemberData(nameof(Networks))]
    public void Images_below_the_declared_size_are_refused_naming_both_shapes(string name)
    {
        // One declared to take any size must build at 4×4 and still end in the class scores.
        int smallest = SmallestInput[name] ?? 4;
        Assert.Equal([10], ModelZoo.Build(name, new ZooOptions(1, smallest, smallest, 10)).OutputShape([1, smallest, smallest]));
        if (SmallestInput[name] is not null)
        {
            int below = smallest - 1;
            var e = Assert.Throws<ArgumentException>(() => ModelZoo.Build(name, new ZooOptions(1, below, below, 10)));
            Assert.Contains(name, e.Message);
            Assert.Contains($"[1×{below}×{below}]", e.Message);
        }
    }

    [Fact]
    public void Images_with_the_wrong_channel_count_are_refused_naming_both_shapes()
    {
        var net = ModelZoo.Build("lenet5", new ZooOptions(1, 28, 28, 10));
        var e = Assert.Throws<ArgumentException>(() => net.Forward(new Tensor(4, 3, 28, 28), false));
        Assert.Contains("[N×1×H×W]", e.Message);
        Assert.Contains("[4×3×28×28]", e.Message);
    }

    [Fact]
    public void LeNet5_has_the_classic_parameter_count()
    {
        // conv1 6·(25+1) + conv2 16·(150+1) + 400·120+120 + 120·84+84 + 84·10+10 = 61 706.
        var cost = NetworkCost.Measure(ModelZoo.Build("lenet5", new ZooOptions(1, 28, 28, 10)), [1, 28, 28]);
        Assert.Equal(61_706, cost.Parameters);
        // conv1 28·28·6·25 + conv2 10·10·16·150 + 400·120 + 120·84 + 84·10.
        Assert.Equal(117_600 + 240_000 + 48_000 + 10_080 + 840, cost.MultiplyAdds);
    }

    /// <summary>The table in docs/ZOO.md is generated by this code; the test fails if the two drift apart.</summary>
    [Fact]
    public void Zoo_document_lists_the_measured_costs()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "ZOO.md"));
        foreach (var row in CostRows()) Assert.Contains(row, doc);
    }

    public static IEnumerable<string> CostRows()
    {
        foreach (var name in ModelZoo.Architectures.Select(a => a.Name))
        {
            var grey = NetworkCost.Measure(ModelZoo.Build(name, new ZooOptions(1, 28, 28, 10)), [1, 28, 28]);
            var colour = NetworkCost.Measure(ModelZoo.Build(name, new ZooOptions(3, 32, 32, 10)), [3, 32, 32]);
            yield return $"| {name} | {grey.Parameters:N0} | {grey.MultiplyAdds:N0} | {colour.Parameters:N0} | {colour.MultiplyAdds:N0} |";
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NeuralPipelines.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
