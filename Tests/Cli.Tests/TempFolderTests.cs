using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>np leaves nothing in the temp folder: ML.NET writes a copy of the ONNX model of every transformer it loads
/// from bytes there and never deletes it, so a batch script scoring shard after shard would fill it with copies of its
/// model (the process scratch folder, <c>Cli/ProcessScratch.cs</c>, and <c>ScopedMLContext</c> in the library).</summary>
public sealed class TempFolderTests
{
    /// <summary>What is left in <paramref name="folder"/> besides ONNX Runtime's own session id (<c>.ses</c>, one file it
    /// reuses), which np does not write.</summary>
    private static string[] LeftIn(string folder) =>
        Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".ses").ToArray();

    [Fact]
    public void Training_saving_and_scoring_an_ML_NET_model_zip_in_fresh_processes_leaves_the_temp_folder_as_it_was()
    {
        using var work = new TempFolder();
        var temp = Directory.CreateDirectory(work.File("tmp")).FullName;
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temp };
        var zip = work.File("diabetes.zip");
        var output = work.File("predictions.csv");

        var train = ClassicCli.FreshProcess(environment, "regress", "--data", "diabetes", "--label", "target", "--out", zip);
        Assert.True(train.Code == 0, train.Err);
        var score = ClassicCli.FreshProcess(environment, "score", "--model", zip, "--data", "diabetes", "--output", output);
        Assert.True(score.Code == 0, score.Err);

        Assert.Equal(443, File.ReadLines(output).Count());
        Assert.Empty(LeftIn(temp));
    }
}
