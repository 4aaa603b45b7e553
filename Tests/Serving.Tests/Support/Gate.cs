using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Serving.Tests.Support;

/// <summary>Holds the real scorer's calls until released, so a test can fill the queue or stop the server while
/// requests are in flight; records the rows of each call.</summary>
public sealed class Gate(OnnxScorer scorer)
{
    private readonly ManualResetEventSlim _open = new(false);
    private readonly SemaphoreSlim _entered = new(0);

    public List<int> Calls { get; } = [];

    public PredictionBatcher.Scorer Score => (rows, count) =>
    {
        lock (Calls) Calls.Add(count);
        _entered.Release();
        if (!_open.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("the test never opened the gate");
        return scorer.Score(rows, count);
    };

    /// <summary>Waits until a scorer call is held at the gate.</summary>
    public async Task EnteredAsync() => Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(30)), "no scorer call reached the gate");

    public void Open() => _open.Set();
}
