using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.MlNet;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TempFolderCountCollection
{
    /// <summary>Tests that count the files in the process's temp folder, which tests running beside them would add to.</summary>
    public const string Name = "counts the temp folder's files";
}

/// <summary>A network fitted through ML.NET's catalog and then disposed leaves no copy of its model in the temp folder.
/// ML.NET 5 writes the ONNX bytes of every transformer it builds from a stream to a file in its context's temp folder and
/// never deletes it; ML.NET keeps a catalog's context internal, so the trainer builds its scorer in a context of its own,
/// which the caller's <see cref="Onnx.MlNet.ScopedMLContext"/> cannot reach: a host that retrained (or cross-validated: one
/// fit per fold) left one file per fit in /tmp for good. The fitted network now owns a scoped folder for it.</summary>
[Collection(TempFolderCountCollection.Name)]
public sealed class NetworkTempFilesTests
{
    private static string[] TempFiles() => Directory.GetFiles(Path.GetTempPath());

    [Fact]
    public void Fitting_and_disposing_the_network_leaves_no_copy_of_its_model_behind()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(IrisFlowers.All());
        var before = TempFiles();
        for (int i = 0; i < 3; i++)
        {
            var model = IrisFlowers.Pipeline(ml).Fit(data);
            Assert.NotEmpty(model.Transform(data).GetColumn<float[]>("Score").Take(1));
            ((IDisposable)model).Dispose();
        }
        Assert.Empty(TempFiles().Except(before));
    }
}
