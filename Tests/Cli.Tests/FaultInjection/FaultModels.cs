using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>The model files the fault-injection tests damage, made once through <c>np</c> as a user would: a small MLP
/// trained on shipped MNIST (its checkpoint), its ONNX export and ML.NET zip (<c>np export --mlnet</c>), the diabetes
/// regression zip of ML.NET's own trainer (<c>np regress</c>), and the test images they are scored on.</summary>
public sealed class FaultModels : IDisposable
{
    private readonly TempFolder folder = new();

    public string Checkpoint { get; }
    public string Onnx { get; }
    public string Zip { get; }
    public string RegressionZip { get; }
    public LabelledImages Images { get; }

    public FaultModels()
    {
        Checkpoint = folder.File("m.ckpt");
        Onnx = folder.File("m.onnx");
        Zip = folder.File("m.zip");
        RegressionZip = folder.File("d.zip");
        OutputSafetyTests.Ok("train", "mlp", "--layers", "784,16,10", "--epochs", "1", "--train-limit", "300", "--no-train-eval", "--out", Checkpoint);
        OutputSafetyTests.Ok("export", "--model", Checkpoint, "--out", Onnx, "--mlnet", Zip);
        OutputSafetyTests.Ok("regress", "--data", "diabetes", "--out", RegressionZip);
        Images = new DatasetCatalog().LoadImages("mnist").Test.Take(16);
    }

    public void Dispose() => folder.Dispose();
}
