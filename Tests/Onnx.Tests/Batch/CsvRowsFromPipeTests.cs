using System.Text;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>Audit C9: a CSV read from a named pipe (<c>mkfifo in.csv; zcat big.csv.gz &gt; in.csv &amp;</c>) failed after its
/// first chunk with "Stream does not support seeking", naming nothing: the progress fraction asked the pipe for its position
/// and length. A pipe's fraction is unknown (0) until its end.</summary>
public class CsvRowsFromPipeTests
{
    [Fact]
    public async Task A_csv_from_a_named_pipe_reads_to_its_end()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var fifo = dir.File("in.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!) await mkfifo.WaitForExitAsync();
        var text = new StringBuilder("a,b\n");
        for (int i = 0; i < 1000; i++) text.Append(i).Append(",1\n");
        // The writer opens the pipe once the reader has (opening either end waits for the other).
        var writing = Task.Run(() => File.WriteAllText(fifo, text.ToString()));
        using var rows = new CsvRows(fifo, [2], "model");
        var chunk = new RowChunk(100, 2, 1);
        long read = 0;
        bool more = true;
        while (more)
        {
            chunk.Clear();
            more = rows.Fill(chunk, Shard.All);
            read += chunk.Count;
            Assert.InRange(rows.Fraction, 0, 1);
        }
        await writing;
        Assert.Equal(1000, read);
        Assert.Equal(1, rows.Fraction);
    }
}
