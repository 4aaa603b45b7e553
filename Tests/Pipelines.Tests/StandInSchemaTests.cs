using System.Reflection;
using Microsoft.ML;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Neural;
using NeuralPipelines.Pipelines.Tabular;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Pipelines.Tests;

/// <summary>Our trainers answer <c>GetOutputSchema</c> (which every <c>EstimatorChain.Fit</c> asks) with a stand-in ONNX
/// model, and ML.NET leaves a copy of every model it loads in its context's temp folder: the stand-ins are built in a
/// context of their own whose folder goes with them, so the trainer's context gains nothing.</summary>
public sealed class StandInSchemaTests
{
    [Fact]
    public void Schema_propagation_through_our_trainers_leaves_nothing_in_the_trainers_temp_folder()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1) { TempFilePath = folder.Path };
        var diabetes = TestData.Diabetes;
        var data = diabetes.ToDataView(LabelKind.Regression);
        var features = ml.Transforms.Concatenate("Features", [.. diabetes.FeatureNames]).Fit(data).Transform(data);
        // What EstimatorChain.Fit hands each estimator; ML.NET keeps SchemaShape.Create to itself.
        var input = (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [features.Schema])!;

        IEstimator<ITransformer>[] trainers =
        [
            new LeastSquaresTrainer(ml, new LeastSquaresTrainer.Options { LabelColumnName = "target" }),
            new GradientDescentTrainer(ml, new GradientDescentTrainer.Options { LabelColumnName = "target" }),
            new NeuralNetworkTrainer(ml, new NeuralNetworkOptions { LabelColumnName = "target" }),
        ];
        foreach (var trainer in trainers)
        {
            var output = trainer.GetOutputSchema(input);
            Assert.Contains(output, c => c.Name == "Score");
        }
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }
}
