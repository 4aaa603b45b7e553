using Microsoft.ML;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>A disposed network transformer refuses to score with <see cref="ObjectDisposedException"/> naming it: it used to
/// hand its released ONNX Runtime session to ML.NET, whose first row failed with a NullReferenceException from inside
/// ONNX Runtime (through a PredictionEngine) or an InvalidOperationException about a "splitter/consolidator worker"
/// (through Transform), neither of which says what the host did wrong. Disposing twice is harmless.</summary>
public sealed class DisposedNetworkTests
{
    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void A_disposed_network_refuses_to_score_by_name()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(IrisFlowers.All());
        var model = IrisFlowers.Pipeline(ml).Fit(data);
        var network = IrisFlowers.Network(model);
        network.Dispose();
        network.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => ml.Model.CreatePredictionEngine<IrisFlowers.Flower, Prediction>(model));
        // What it is and what it reads are still known: only scoring needs the session.
        Assert.NotNull(network.GetOutputSchema(data.Schema).GetColumnOrNull("Score"));
    }
}
