using System.Text.Json;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>A trained MLP checkpoint and its ONNX export, made once for the <c>np score</c> tests (a few seconds).</summary>
public sealed class TrainedMlp : IDisposable
{
    private readonly TempFolder _folder = new();

    public TrainedMlp()
    {
        Checkpoint = _folder.File("mlp.ckpt");
        Onnx = _folder.File("mlp.onnx");
        var train = Np("train", "mlp", "--recipe", "nielsen", "--layers", "784,30,10", "--activation", "sigmoid", "--cost", "cross-entropy",
            "--init", "scaled", "--optimizer", "sgd", "--lr", "0.5", "--batch-size", "10", "--epochs", "1", "--data", "mnist",
            "--seed", "1", "--train-limit", "3000", "--out", Checkpoint, "--json");
        Assert.True(train.Code == 0, train.Err);
        Zip = _folder.File("mlp.zip");
        var export = Np("export", "--model", Checkpoint, "--out", Onnx, "--mlnet", Zip, "--json");
        Assert.True(export.Code == 0, export.Err);
    }

    public string Checkpoint { get; }
    public string Onnx { get; }
    public string Zip { get; }

    public void Dispose() => _folder.Dispose();
}

/// <summary><c>np score</c> with ONNX models end to end, in-process on fresh temp folders.</summary>
public class BatchScoreTests(TrainedMlp model) : IClassFixture<TrainedMlp>
{
    private static string[] Lines(string path) => File.ReadAllLines(path);

    /// <summary>The first <paramref name="count"/> shipped MNIST test digits as grey PNGs, one sub-folder per class.</summary>
    private static string WriteDigits(string folder, int count)
    {
        var test = IdxImageFolder.Load(ShippedData.Mnist).Test.Take(count);
        for (int i = 0; i < test.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(folder, test.Labels[i].ToString())).FullName, $"{i:D3}.png"),
                ImageWriter.GreyPng(test.Image(i), 28, 28));
        }
        return folder;
    }

    private static string RepositoryFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NeuralPipelines.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no repository above " + AppContext.BaseDirectory), relative);
    }

    /// <summary>The np score command line of a docs example (a YAML block or a shell line with continuations), split
    /// into words, before the redirection of its --json summary.</summary>
    private static string[] ExampleCommand(string text)
    {
        int start = text.IndexOf("np score --model", StringComparison.Ordinal);
        var command = text[start..text.IndexOf('>', start)].Replace("\\\n", " ").Replace("\n", " ");
        return command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).Skip(1).ToArray();
    }

    [Theory]
    [InlineData("docs/scoring/np-score-indexed-job.yaml", "${JOB_COMPLETION_INDEX}")]
    [InlineData("docs/scoring/np-score-array.sbatch", "${SLURM_ARRAY_TASK_ID}")]
    public void The_Kubernetes_and_Slurm_examples_run_as_written_and_their_eight_parts_merge_into_the_whole(string example, string index)
    {
        using var dir = new TempFolder();
        var images = WriteDigits(dir.File("images"), 40);
        var text = File.ReadAllText(RepositoryFile(example));
        // np refuses an output in a missing folder, so the example must make out/ itself (the Kubernetes one did not: audit F3).
        Assert.Matches(@"mkdir -p (/scoring/)?out\b", text[..text.IndexOf("np score --model", StringComparison.Ordinal)]);
        Directory.CreateDirectory(dir.File("out"));
        var words = ExampleCommand(text);
        Assert.Contains("--shard", words);
        // The examples' files live under /scoring/ (Kubernetes) or the working directory (Slurm); here both are the temp folder.
        File.Copy(model.Onnx, dir.File("lenet5.onnx"));
        string Fill(string w, int i)
        {
            w = w.Replace(index, i.ToString()).Replace("${N}", "8").Replace("${SLURM_CPUS_PER_TASK}", "2");
            if (w.StartsWith("/scoring/", StringComparison.Ordinal)) return dir.File(w["/scoring/".Length..]);
            return w.StartsWith("lenet5.onnx", StringComparison.Ordinal) || w.StartsWith("images", StringComparison.Ordinal) || w.StartsWith("out/", StringComparison.Ordinal)
                ? dir.File(w) : w;
        }
        var parts = Enumerable.Range(0, 8).Select(i =>
        {
            var json = Json([.. words.Select(w => Fill(w, i))]);
            Assert.Equal($"{i}/8", json.GetProperty("shard").GetString());
            return Lines(json.GetProperty("output").GetString()!);
        }).ToArray();
        var whole = dir.File("whole.csv");
        Json("score", "--model", model.Onnx, "--data", images, "--output", whole);
        long Row(string line) => long.Parse(line[..line.IndexOf(',')]);
        Assert.Equal(Lines(whole).Skip(1), parts.SelectMany(p => p.Skip(1)).OrderBy(Row));
    }

    [Fact]
    public void Scores_the_MNIST_test_split_with_the_trained_model_and_reports_rows_rate_and_device()
    {
        using var dir = new TempFolder();
        var output = dir.File("preds.csv");
        var json = Json("score", "--model", model.Onnx, "--data", "mnist", "--output", output, "--batch-size", "100");
        Assert.Equal(2000, json.GetProperty("rows").GetInt32());
        Assert.True(json.GetProperty("rows_per_second").GetDouble() > 0);
        Assert.True(json.GetProperty("seconds").GetDouble() > 0);
        Assert.Contains(json.GetProperty("device").GetString(), new[] { "cpu", "cuda" });
        Assert.Equal(0, json.GetProperty("failed").GetInt32());
        var scored = CsvReader.Read(output);
        Assert.Equal(2000, scored.RowCount);
        // Real predictions: the trained network's accuracy on the held-out digits, as np train measured it (87.8%).
        var correct = scored.Column("label").Zip(scored.Column("predicted_class")).Count(p => p.First == p.Second);
        Assert.InRange(correct / 2000.0, 0.8, 1.0);
    }

    [Fact]
    public void The_checkpoint_its_ONNX_export_and_its_MLNET_zip_give_the_same_file()
    {
        using var dir = new TempFolder();
        Json("score", "--model", model.Onnx, "--data", "mnist", "--output", dir.File("a.csv"));
        Json("score", "--model", model.Checkpoint, "--data", "mnist", "--output", dir.File("b.csv"));
        Assert.Equal(File.ReadAllText(dir.File("a.csv")), File.ReadAllText(dir.File("b.csv")));
        Assert.Equal("idx", Json("score", "--model", model.Zip, "--data", "mnist", "--output", dir.File("c.csv")).GetProperty("kind").GetString());
        Assert.Equal(File.ReadAllText(dir.File("a.csv")), File.ReadAllText(dir.File("c.csv")));
        // A checkpoint under another name is told by its first bytes, as np sample and np colorize tell theirs; by the
        // name alone it was read as ONNX and refused as "not a readable ONNX model".
        File.Copy(model.Checkpoint, dir.File("mlp.model"));
        Json("score", "--model", dir.File("mlp.model"), "--data", "mnist", "--output", dir.File("d.csv"));
        Assert.Equal(File.ReadAllText(dir.File("a.csv")), File.ReadAllText(dir.File("d.csv")));
    }

    [Fact]
    public void Three_shards_cover_the_input_exactly_once_and_their_union_is_the_unsharded_output()
    {
        using var dir = new TempFolder();
        var whole = dir.File("whole.csv");
        Json("score", "--model", model.Onnx, "--data", "mnist", "--output", whole);
        var shards = Enumerable.Range(0, 3).Select(i =>
        {
            var path = dir.File($"shard{i}.csv");
            var json = Json("score", "--model", model.Onnx, "--data", "mnist", "--output", path, "--shard", $"{i}/3");
            Assert.Equal($"{i}/3", json.GetProperty("shard").GetString());
            return Lines(path);
        }).ToArray();
        Assert.All(shards, s => Assert.Equal(Lines(whole)[0], s[0]));
        long Row(string line) => long.Parse(line[..line.IndexOf(',')]);
        var union = shards.SelectMany(s => s.Skip(1)).OrderBy(Row).ToArray();
        Assert.Equal(Lines(whole).Skip(1), union);
        Assert.Equal(2000, union.Select(Row).Distinct().Count());
    }

    [Fact]
    public void JSON_Lines_output_holds_one_object_per_row_with_labels_and_scores()
    {
        using var dir = new TempFolder();
        var output = dir.File("preds.jsonl");
        Json("score", "--model", model.Onnx, "--data", "mnist", "--output", output, "--shard", "0/10");
        var lines = Lines(output);
        Assert.Equal(200, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(0, first.GetProperty("row").GetInt64());
        Assert.Equal(10, first.GetProperty("scores").GetArrayLength());
        Assert.Equal(first.GetProperty("predicted_class").GetInt32().ToString(), first.GetProperty("predicted_label").GetString());
        // Sigmoid outputs (the network was trained with cross-entropy on sigmoids): each a probability, not summing to 1.
        Assert.All(first.GetProperty("scores").EnumerateArray(), s => Assert.InRange(s.GetDouble(), 0, 1));
    }

    [Fact]
    public void A_CSV_of_pixels_scores_like_the_IDX_file_it_came_from()
    {
        using var dir = new TempFolder();
        var test = IdxImageFolder.Load(ShippedData.Mnist).Test.Take(300);
        var csv = dir.File("pixels.csv");
        using (var w = new StreamWriter(csv))
        {
            w.WriteLine(string.Join(',', Enumerable.Range(0, 784).Select(i => $"px{i}")) + ",label");
            for (int i = 0; i < test.Count; i++)
                w.WriteLine(string.Join(',', test.Image(i).ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "," + test.Labels[i]);
        }
        Json("score", "--model", model.Onnx, "--data", csv, "--output", dir.File("from-csv.csv"));
        Json("score", "--model", model.Onnx, "--data", "mnist", "--output", dir.File("from-idx.csv"));
        Assert.Equal(Lines(dir.File("from-idx.csv")).Take(301), Lines(dir.File("from-csv.csv")));
    }

    [Fact]
    public void An_image_folder_is_scored_and_a_bad_file_stops_the_run_or_is_skipped_and_listed()
    {
        using var dir = new TempFolder();
        var images = WriteDigits(dir.File("digits"), 30);
        var broken = Path.Combine(images, "3", "broken.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var output = dir.File("preds.csv");

        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", images, "--output", output], broken);
        Assert.False(File.Exists(output));

        var json = Json("score", "--model", model.Onnx, "--data", images, "--output", output, "--on-error", "skip");
        Assert.Equal(30, json.GetProperty("rows").GetInt32());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal("3/broken.png", error.GetProperty("item").GetString());
        Assert.Contains(broken, error.GetProperty("error").GetString());
        // The folder names are the labels, and the PNG digits score as the IDX digits they were made from.
        var rows = Lines(output).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(30, rows.Length);
        Assert.All(rows, r => Assert.StartsWith(r[2] + "/", r[1]));
        Assert.True(rows.Count(r => r[2] == r[3]) >= 22, "accuracy on the PNG digits");
    }

    [Fact]
    public void A_wrong_image_size_is_refused_naming_both_sizes_unless_resize_is_given()
    {
        using var dir = new TempFolder();
        var images = Directory.CreateDirectory(dir.File("flat")).FullName;
        using (var image = new Image<Rgb24>(32, 32)) image.SaveAsJpeg(Path.Combine(images, "big.jpg"));
        var output = dir.File("preds.csv");
        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", images, "--output", output], "big.jpg", "32×32", "28×28", "--resize");
        var json = Json("score", "--model", model.Onnx, "--data", images, "--output", output, "--resize");
        Assert.Equal(1, json.GetProperty("rows").GetInt32());
        Assert.Equal("row,item,predicted_class,predicted_label," + string.Join(',', Enumerable.Range(0, 10).Select(k => $"score_{k}")), Lines(output)[0]);
        Assert.StartsWith("0,big.jpg,", Lines(output)[1]);
    }

    [Fact]
    public void Device_cuda_without_a_GPU_fails_with_one_line_and_auto_falls_back_to_the_CPU()
    {
        using var dir = new TempFolder();
        var output = dir.File("preds.csv");
        var auto = Json("score", "--model", model.Onnx, "--data", "mnist", "--output", output, "--device", "auto", "--shard", "0/20");
        if (auto.GetProperty("device").GetString() == "cuda") return; // a machine with a GPU: there is no fallback to see
        Assert.Equal("cpu", auto.GetProperty("device").GetString());
        Assert.False(string.IsNullOrEmpty(auto.GetProperty("fallback").GetString()));
        File.Delete(output);
        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", "mnist", "--output", output, "--device", "cuda"], "--device cuda", "CUDA");
        Assert.False(File.Exists(output));
        Assert.Equal("cpu", Json("score", "--model", model.Onnx, "--data", "mnist", "--output", output, "--device", "cpu", "--shard", "0/20").GetProperty("device").GetString());
    }

    [Theory]
    [InlineData("--shard", "4/4", "--shard '4/4'")]
    [InlineData("--shard", "x", "i/n")]
    [InlineData("--batch-size", "0", "--batch-size 0: must be 1 to 65,536")]
    // Not "arithmetic overflow working on mlp.onnx": the option is to blame, not the model.
    [InlineData("--batch-size", "100000000", "--batch-size 100000000: must be 1 to 65,536")]
    [InlineData("--threads", "0", "--threads 0: must be 1 to 1,024")]
    public void Bad_options_fail_with_one_line_naming_them(string option, string value, string words)
    {
        using var dir = new TempFolder();
        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", "mnist", "--output", dir.File("p.csv"), option, value], words);
    }

    [Fact]
    public void A_missing_model_is_called_a_model_file_whatever_kind_its_name_suggests()
    {
        using var dir = new TempFolder();
        // A .zip may be an ML.NET zip or hold ONNX: "no such ONNX model file" guessed the kind wrongly.
        var line = AssertFailsWithOneLine("score", ["score", "--model", dir.File("nofile.zip"), "--data", "mnist", "--output", dir.File("p.csv")],
            "nofile.zip: no such model file");
        Assert.DoesNotContain("ONNX", line);
    }

    [Fact]
    public void A_table_of_the_wrong_width_is_refused_naming_it_and_the_models_input()
    {
        using var dir = new TempFolder();
        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", "iris", "--output", dir.File("p.csv")], "iris", "784");
    }

    [Fact]
    public void Inputs_far_off_the_pixel_scale_are_refused_naming_line_and_column_before_they_can_overflow_the_model()
    {
        using var dir = new TempFolder();
        var csv = dir.File("huge.csv");
        var test = IdxImageFolder.Load(ShippedData.Mnist).Test.Take(2);
        using (var w = new StreamWriter(csv))
        {
            w.WriteLine(string.Join(',', Enumerable.Range(0, 784).Select(i => $"px{i}")));
            w.WriteLine(string.Join(',', test.Image(0).ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            // Finite float32 values, which would overflow the first layer's sums to ±∞ (FiniteScoresTests shows the scorer
            // refusing such scores); as pixels they are refused first, where the cell can be named.
            w.WriteLine(string.Join(',', Enumerable.Range(0, 784).Select(i => i == 300 ? "3e38" : "0.5")));
            w.WriteLine(string.Join(',', Enumerable.Range(0, 784).Select(i => i == 5 ? "-1e30" : "0.5")));
        }
        var output = dir.File("preds.csv");
        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", csv, "--output", output], "huge.csv: line 3, column 301 'px300' is 3e+38, beyond ±1e6: not a pixel value");
        Assert.False(File.Exists(output));
        // The bound is the pixels': 1e6 itself is still taken (scored, here to a finite answer or the overflow error, not refused as a pixel).
        File.WriteAllLines(csv, File.ReadAllLines(csv)[..2].Append(string.Join(',', Enumerable.Repeat("1e6", 784))));
        var (code, _, stderr) = Np("score", "--model", model.Onnx, "--data", csv, "--output", output);
        Assert.DoesNotContain("not a pixel", stderr);
        Assert.True(code == 0 || stderr.Contains("overflowed"), stderr);
    }

    /// <summary>Audit M4: a CSV of 2 rows of pixels and no header scored "1 rows", its first row taken for column names.</summary>
    [Fact]
    public void A_CSV_without_a_header_row_is_refused_rather_than_losing_its_first_row()
    {
        using var dir = new TempFolder();
        var test = IdxImageFolder.Load(ShippedData.Mnist).Test.Take(2);
        var csv = dir.File("nohdr.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, 2).Select(i => string.Join(',', test.Image(i).ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        var output = dir.File("o.csv");
        AssertFailsWithOneLine("score", ["score", "--model", model.Onnx, "--data", csv, "--output", output],
            $"{csv}: line 1: looks like data, not a header; the CSV needs a header row naming the columns.");
        Assert.False(File.Exists(output));
    }
}
