// A console app that knows NeuralPipelines only through its NuGet packages (NeuralPipelines.Pipelines and what it
// brings) plus a native ONNX Runtime. Usage: TrainApp MNIST_FOLDER DIABETES_CSV OUT_FOLDER
// It trains the README's network on an explicit folder, saves it as an ML.NET zip and as ONNX, fits the README's
// linear regression, and asks for shipped data by name (found only where the caller put it).
using System.Globalization;
using Microsoft.ML;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Pipelines.Evaluation;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Neural;
using NeuralPipelines.Pipelines.Tabular;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: TrainApp MNIST_FOLDER DIABETES_CSV OUT_FOLDER");
    return 2;
}
var (mnistFolder, diabetesCsv, outFolder) = (args[0], args[1], args[2]);
Directory.CreateDirectory(outFolder);
string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

// The README's "Deep learning" snippet, smaller: one epoch of a 784-32-10 network.
var ml = new MLContext(seed: 1);
var data = ImageDataView.Create(ml, new DatasetCatalog().LoadImages(mnistFolder).Train);
var model = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkOptions
{
    Architecture = "mlp", HiddenLayers = [32], Epochs = 1, BatchSize = 64, LearningRate = 0.1f,
}).Fit(data);
ml.Model.Save(model, data.Schema, Path.Combine(outFolder, "digits.zip"));
File.WriteAllBytes(Path.Combine(outFolder, "digits.onnx"), model.OnnxModel);
Console.WriteLine($"recorded_accuracy={F(model.Training!.TestAccuracy)}");
using (var fast = model.CreateScorer())
    Console.WriteLine($"scorer={fast.ExecutionProvider} outputs={fast.OutputLength}");

// The README's "Classic ML" snippet.
var table = TabularDataset.ReadCsv(diabetesCsv, "target");
var pipeline = ml.Transforms.Concatenate("Features", [.. table.FeatureNames])
    .Append(ml.Regression.Trainers.LeastSquares(labelColumnName: "target"));
var linear = pipeline.Fit(table.ToDataView(LabelKind.Regression));
// Our linear models' Score is a one-slot vector (README), which ML.NET's regression evaluator refuses; ScoredColumns reads both forms.
var predictions = ScoredColumns.Read(linear.Transform(table.ToDataView(LabelKind.Regression)), "Score");
Console.WriteLine($"diabetes_r2={F(RegressionFigures.Of(table.Labels, predictions).RSquared)}");

// Shipped names resolve only when asked, and only where a copy is: the caller put the iris table (alone) in the
// per-user cache, so "iris" resolves there and "mnist" fails, saying where it looked.
var catalog = new DatasetCatalog();
Console.WriteLine($"iris={catalog.Resolve("iris").Path}");
try
{
    catalog.LoadImages("mnist");
    Console.WriteLine("mnist=found");
}
catch (DirectoryNotFoundException e)
{
    Console.WriteLine($"mnist_error={e.Message}");
}
return 0;
