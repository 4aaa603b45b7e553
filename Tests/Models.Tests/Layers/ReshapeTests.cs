using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Layers;

/// <summary>Reshape keeps the values and the batch axis, gives the gradient back in the input's shape, and rebuilds from its spec.</summary>
public class ReshapeTests
{
    [Fact]
    public void Views_each_example_in_the_new_shape_and_back()
    {
        var layer = new Reshape(2, 3, 2);
        var x = new Tensor(3, 12);
        for (int i = 0; i < x.Length; i++) x[i] = i;
        var y = layer.Forward(x, training: true);
        Assert.Equal([3, 2, 3, 2], y.ShapeArray());
        Assert.Equal(x.Span.ToArray(), y.Span.ToArray());
        Assert.Equal([2, 3, 2], layer.OutputShape([12]));
        var dx = layer.Backward(y);
        Assert.Equal([3, 12], dx.ShapeArray());
        Assert.Equal(x.Span.ToArray(), dx.Span.ToArray());
    }

    [Fact]
    public void Names_both_shapes_when_the_sizes_differ_and_rebuilds_from_its_spec()
    {
        var layer = new Reshape(128, 7, 7);
        var e = Assert.Throws<ArgumentException>(() => layer.OutputShape([6000]));
        Assert.Contains("[128×7×7]", e.Message);
        Assert.Contains("[6000]", e.Message);
        var rebuilt = (Reshape)LayerRegistry.Build(LayerSpec.FromJson(layer.Spec.ToJson()));
        Assert.Equal([128, 7, 7], rebuilt.Shape);
        Assert.Throws<ArgumentException>(() => new Reshape(3, 0));
    }
}
