using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>Every registered layer kind's backward pass against central finite differences, for its input and each
/// parameter; the kinds come from <see cref="LayerRegistry.KnownKinds"/>, so a new layer without a case fails here by name.</summary>
public class LayerGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kinds => new(GradientCases.Kinds);

    private static void AssertEveryKindHasACase(IEnumerable<string> registered)
    {
        var missing = registered.Except(GradientCases.Kinds).Order().ToArray();
        Assert.True(missing.Length == 0, $"Layer kinds without a case in GradientCases: {string.Join(", ", missing)}.");
        var unknown = GradientCases.Kinds.Except(registered).ToArray();
        Assert.True(unknown.Length == 0, $"GradientCases has cases for kinds the registry does not know: {string.Join(", ", unknown)}.");
    }

    [Fact]
    public void Every_registered_layer_kind_has_a_gradient_case() => AssertEveryKindHasACase(LayerRegistry.KnownKinds);

    [Fact]
    public void A_registered_kind_without_a_case_is_named()
    {
        // As if a layer had been added with [LayerKind("planted")] and no case.
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertEveryKindHasACase(LayerRegistry.KnownKinds.Append("planted")));
        Assert.Contains("without a case in GradientCases: planted.", e.Message);
    }

    /// <summary>The registry finds layers by <see cref="LayerKindAttribute"/> and a (LayerSpec) constructor; a layer that
    /// lacked either would be no kind at all, so the check above could not miss it. This one names it.</summary>
    private static void AssertEveryLayerTypeIsAKind(IEnumerable<Type> types)
    {
        var unregistered = types.Where(t => typeof(Layer).IsAssignableFrom(t) && !t.IsAbstract)
            .Where(t => t.GetCustomAttributes(typeof(LayerKindAttribute), false).FirstOrDefault() is not LayerKindAttribute a
                        || !LayerRegistry.KnownKinds.Contains(a.Kind) || t.GetConstructor([typeof(LayerSpec)]) is null)
            .Select(t => t.Name).Order().ToArray();
        Assert.True(unregistered.Length == 0, $"Layer types the registry does not know (no [LayerKind] or no (LayerSpec) constructor): {string.Join(", ", unregistered)}.");
    }

    [Fact]
    public void Every_layer_type_of_the_library_is_a_registered_kind() => AssertEveryLayerTypeIsAKind(typeof(Layer).Assembly.GetTypes());

    [Fact]
    public void A_layer_type_without_a_kind_is_named() =>
        Assert.Contains("constructor): UnkindLayer.",
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertEveryLayerTypeIsAKind(typeof(Layer).Assembly.GetTypes().Append(typeof(UnkindLayer)))).Message);

    /// <summary>A layer someone forgot to give a [LayerKind].</summary>
    private sealed class UnkindLayer : Layer
    {
        public override Tensor Forward(Tensor x, bool training) => x;
        public override Tensor Backward(Tensor dy) => dy;
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override LayerSpec Spec => new("unkind");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Backward_matches_finite_differences(string kind)
    {
        var (layer, x, step, training) = GradientCases.Build(kind);
        Assert.Contains(kind, GradientCases.KindsIn(layer));
        var result = GradientCheck.Layer(layer, x, training, step, beforeForward: () => Reseed(layer));
        output.WriteLine(result.ToString());
        Assert.True(result.Error <= GradientCheck.Tolerance, $"{kind}: relative error {result.Error:E2} at {result.Where}");
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
