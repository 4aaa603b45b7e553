using Microsoft.ML;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Pipelines.Generative;
using NeuralPipelines.Pipelines.Neural;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests;

/// <summary>Null arguments to the catalog extensions an app calls are refused by name, not with a NullReferenceException
/// from inside or a "no such file" naming an empty path.</summary>
public sealed class CatalogArgumentTests
{
    private static string ParamOf(Action call) => Assert.Throws<ArgumentNullException>(call).ParamName!;

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        var ml = new MLContext(seed: 1);
        Assert.Equal("options", ParamOf(() => ml.MulticlassClassification.Trainers.NeuralNetwork((NeuralNetworkOptions)null!)));
        Assert.Equal("images", ParamOf(() => ImageDataView.Create(ml, null!)));
        Assert.Equal("ml", ParamOf(() => ImageDataView.Create(null!, new LabelledImages("x", new float[4], [0], 1, 2, 2, 2))));
        Assert.Equal("model", ParamOf(() => ml.Transforms.GenerateImages((GenerativeModel)null!)));
        Assert.Equal("model", ParamOf(() => GeneratorCatalog.Noise(ml, null!, 3, 1)));
        Assert.Equal("ml", ParamOf(() => GeneratorCatalog.Noise(null!, null!, 3, 1)));
        Assert.Equal("colorizerPath", ParamOf(() => ml.Transforms.ColorizeImages("Colorized", "Image", (string)null!)));
        Assert.Equal("path", ParamOf(() => TabularDataset.ReadCsv(null!, "target")));
    }
}
