using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Layers;

/// <summary>An empty batch keeps its per-example shape (audit O5: Flatten made [0×1×28×28] into [0×0] and Dense refused
/// it as "a tensor of shape [0×0]", a shape the caller never gave).</summary>
public class EmptyBatchTests
{
    [Fact]
    public void An_empty_batch_keeps_its_item_length()
    {
        Assert.Equal(784, new Tensor(0, 1, 28, 28).ItemLength);
        Assert.Equal(784, new Tensor(2, 1, 28, 28).ItemLength);
        Assert.Equal(new Tensor(3).ItemLength, new Tensor(0).ItemLength);   // a batch of scalars, empty or not
    }

    [Fact]
    public void An_mlp_answers_an_empty_batch_with_an_empty_batch_of_scores()
    {
        var mlp = new Sequential(new Flatten(), new Dense(784, 16), new ReLU(), new Dense(16, 10));
        Assert.Equal([0, 10], mlp.Forward(new Tensor(0, 1, 28, 28), training: false).ShapeArray());
    }

    [Fact]
    public void A_wrong_empty_batch_is_refused_with_its_real_shape()
    {
        var mlp = new Sequential(new Flatten(), new Dense(784, 10));
        var e = Assert.Throws<ArgumentException>(() => mlp.Forward(new Tensor(0, 1, 27, 27), training: false));
        Assert.Contains("[0×729]", e.Message);
    }
}
