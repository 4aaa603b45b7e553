using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np serve</c> as a user runs it: a process of its own on a free port, stopped by SIGTERM.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Np_serve_answers_like_offline_scoring_and_exits_cleanly_on_sigterm()
    {
        using var temp = new TempFolder();
        var ckpt = ExportCommandTests.Train(temp);
        var onnx = temp.File("mlp.onnx");
        Assert.Equal(0, Np("export", "--model", ckpt, "--out", onnx).Code);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "np.dll"), "serve", "--model", onnx, "--urls", "http://127.0.0.1:0", "--device", "cpu", "--threads", "1" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            // The message awaits stderr, which ends only with the process: build it only when the process has ended.
            if (first is null) Assert.Fail($"np serve ended before listening: {await stderr}");
            var url = Regex.Match(first!, @"http://127\.0\.0\.1:\d+").Value;
            Assert.StartsWith("np serve: mlp on CPU, listening on http://127.0.0.1:", first);

            using var client = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Contains("\"status\":\"ok\"", await client.GetStringAsync("/health"));
            var images = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test.Take(20);
            var rows = Enumerable.Range(0, images.Count).Select(i => images.Image(i).ToArray()).ToArray();
            using var response = await client.PostAsync("/predict", new StringContent(JsonSerializer.Serialize(new { rows }), Encoding.UTF8, "application/json"));
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            using var scorer = OnnxScorer.Load(onnx, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 });
            Assert.Equal(scorer.Predict(images.Pixels, images.Count), answer.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predicted_class").GetInt32()));
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
            Assert.StartsWith("np serve: stopped after 20 rows", await process.StandardOutput.ReadLineAsync());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void A_missing_model_a_bad_setting_or_a_taken_port_fails_in_one_line()
    {
        using var temp = new TempFolder();
        AssertFailsWithOneLine("serve", ["serve", "--model", temp.File("missing.onnx")], "missing.onnx");
        File.WriteAllText(temp.File("junk.onnx"), "not a model");
        AssertFailsWithOneLine("serve", ["serve", "--model", temp.File("junk.onnx")], "junk.onnx", "not an ONNX model");
        // Out-of-range numbers name the option, the value and the range (score's words, from the same check); they are
        // refused before the model is read, so the junk file is not blamed.
        AssertFailsWithOneLine("serve", ["serve", "--model", temp.File("junk.onnx"), "--batch-size", "0"], "--batch-size 0: must be 1 to 65,536");
        AssertFailsWithOneLine("serve", ["serve", "--model", temp.File("junk.onnx"), "--batch-size", "100000000"], "--batch-size 100000000: must be 1 to 65,536");
        AssertFailsWithOneLine("serve", ["serve", "--model", temp.File("junk.onnx"), "--threads", "0"], "--threads 0: must be 1 to 1,024");
        AssertFailsWithOneLine("serve", ["serve", "--model", temp.File("junk.onnx"), "--urls", "http://127.0.0.1:99999"],
            "--urls http://127.0.0.1:99999: the port '99999' must be a number from 0 to 65535");

        var ckpt = ExportCommandTests.Train(temp);
        // A checkpoint was called "not an ONNX model (protobuf …)"; it is named as what it is, with the command that exports it.
        AssertFailsWithOneLine("serve", ["serve", "--model", ckpt], "mlp.ckpt: a training checkpoint", "np export --model");
        var onnx = temp.File("mlp.onnx");
        Assert.Equal(0, Np("export", "--model", ckpt, "--out", onnx).Code);
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        AssertFailsWithOneLine("serve", ["serve", "--model", onnx, "--device", "cpu", "--urls", $"http://127.0.0.1:{port}"], $"http://127.0.0.1:{port}", "cannot listen there");
    }
}
