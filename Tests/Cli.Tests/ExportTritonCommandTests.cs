using System.Text.Json;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np export --triton DIR</c>: a Triton model repository from a checkpoint trained on MNIST.</summary>
public sealed class ExportTritonCommandTests
{
    [Fact]
    public void Triton_repository_and_onnx_file_are_written_together_with_the_same_model()
    {
        using var temp = new TempFolder();
        var ckpt = ExportCommandTests.Train(temp);
        var onnx = temp.File("mlp.onnx");
        var repository = temp.File("triton");
        var (code, stdout, err) = Np("export", "--model", ckpt, "--out", onnx, "--triton", repository, "--triton-name", "digits", "--max-batch-size", "32", "--json");
        Assert.True(code == 0, err);

        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(Path.Combine(repository, "digits"), report.RootElement.GetProperty("triton").GetString());
        var config = File.ReadAllText(Path.Combine(repository, "digits", "config.pbtxt"));
        Assert.Equal(report.RootElement.GetProperty("triton_config").GetString(), config);
        Assert.Contains("name: \"digits\"", config);
        Assert.Contains("max_batch_size: 32", config);
        Assert.Contains("dims: [ 1, 28, 28 ]", config);
        Assert.Equal(File.ReadAllBytes(onnx), File.ReadAllBytes(Path.Combine(repository, "digits", "1", "model.onnx")));
    }

    /// <summary>Audit L4: --max-batch-size 0 wrote max_batch_size 256 without a word. Triton reads 0 as "the model does not
    /// batch", which these configs (per-example dims, dynamic batching) are not, so 0 is refused as -5 is, before any work.</summary>
    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void A_max_batch_size_below_one_is_refused(string size)
    {
        using var temp = new TempFolder();
        var ckpt = ExportCommandTests.Train(temp);
        AssertFailsWithOneLine("export", ["export", "--model", ckpt, "--triton", temp.File("repo"), "--max-batch-size", size], $"--max-batch-size must be at least 1, got {size}");
        Assert.False(Directory.Exists(temp.File("repo")));
    }

    [Fact]
    public void Without_a_name_the_repository_entry_is_named_after_the_architecture()
    {
        using var temp = new TempFolder();
        var ckpt = ExportCommandTests.Train(temp);
        var (code, _, err) = Np("export", "--model", ckpt, "--triton", temp.File("repo"));
        Assert.True(code == 0, err);
        Assert.True(File.Exists(temp.File("repo/mlp/1/model.onnx")));
        Assert.True(File.Exists(temp.File("repo/mlp/config.pbtxt")));
    }

    [Fact]
    public void No_output_or_a_bad_name_fails_in_one_line_and_writes_nothing()
    {
        using var temp = new TempFolder();
        var ckpt = ExportCommandTests.Train(temp);
        AssertFailsWithOneLine("export", ["export", "--model", ckpt], "--out", "--triton");
        AssertFailsWithOneLine("export", ["export", "--model", ckpt, "--triton", temp.File("repo"), "--triton-name", "my model"], "--triton-name", "not a Triton model name");
        Assert.False(Directory.Exists(temp.File("repo")));
        File.WriteAllText(temp.File("plain"), "");
        AssertFailsWithOneLine("export", ["export", "--model", ckpt, "--triton", temp.File("plain")], "a file, not a folder");
    }

    /// <summary>An existing entry's files were checked only when written, after the export's work, and not as --out is:
    /// now a read-only model.onnx is refused before any work (and replaced with --force), a folder in config.pbtxt's place
    /// too, each in one line naming it.</summary>
    [Fact]
    public void An_existing_entrys_files_are_checked_as_outputs_before_any_work()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        var ckpt = ExportCommandTests.Train(temp);
        var repository = temp.File("repo");
        Assert.Equal(0, Np("export", "--model", ckpt, "--triton", repository, "--triton-name", "digits").Code);
        var model = Path.Combine(repository, "digits", "1", "model.onnx");
        File.WriteAllText(model, "an older version");
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AssertFailsWithOneLine("export", ["export", "--model", ckpt, "--triton", repository, "--triton-name", "digits"], $"--triton {model}: the file is read-only", "--force");
        Assert.Equal("an older version", File.ReadAllText(model));

        Assert.Equal(0, Np("export", "--model", ckpt, "--triton", repository, "--triton-name", "digits", "--force").Code);
        Assert.NotEqual("an older version", File.ReadAllText(model));

        var config = Path.Combine(repository, "digits", "config.pbtxt");
        File.Delete(config);
        Directory.CreateDirectory(config);
        AssertFailsWithOneLine("export", ["export", "--model", ckpt, "--triton", repository, "--triton-name", "digits", "--force"], $"--triton {config}: a folder, not a file");
    }
}
