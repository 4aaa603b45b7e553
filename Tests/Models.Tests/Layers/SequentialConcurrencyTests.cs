using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Layers;

/// <summary>A network serves one thread at a time: a second Forward or Backward while one runs is refused, instead of both
/// callers reading each other's numbers (audit O2: 37 of 80 concurrent predictions came back wrong, without an error).</summary>
public class SequentialConcurrencyTests
{
    /// <summary>Holds its Forward until released, so the test knows a call is running.</summary>
    private sealed class Gate : Layer
    {
        public readonly ManualResetEventSlim Entered = new(), Release = new();
        public override Tensor Forward(Tensor x, bool training) { Entered.Set(); Release.Wait(TimeSpan.FromSeconds(30)); return x; }
        public override Tensor Backward(Tensor dy) => dy;
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override LayerSpec Spec => new("gate");
    }

    [Fact]
    public async Task A_call_that_overlaps_another_is_refused_and_the_network_serves_again_afterwards()
    {
        var gate = new Gate();
        var network = new Sequential(gate, new Dense(4, 2));
        var x = new Tensor(3, 4);
        var first = Task.Run(() => network.Forward(x, training: false));
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(30)));

        var forward = Assert.Throws<InvalidOperationException>(() => network.Forward(x, training: false));
        Assert.Contains("one thread at a time", forward.Message);
        Assert.Throws<InvalidOperationException>(() => network.Backward(new Tensor(3, 2)));

        gate.Release.Set();
        var firstOutput = await first;
        Assert.Equal([3, 2], firstOutput.ShapeArray());
        Assert.Equal([3, 2], network.Forward(x, training: true).ShapeArray());
        Assert.Equal([3, 4], network.Backward(new Tensor(3, 2)).ShapeArray());
    }
}
