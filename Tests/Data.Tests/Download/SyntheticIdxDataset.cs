using System.IO.Compression;
using System.Security.Cryptography;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Download;
using NeuralPipelines.Data.Idx;

namespace NeuralPipelines.Data.Tests.Download;

/// <summary>A tiny MNIST-shaped dataset (four gzip IDX files) to serve from a local HTTP server, with its content digests.</summary>
public sealed class SyntheticIdxDataset
{
    public SyntheticIdxDataset(int train = 12, int test = 5, int seed = 1)
    {
        var rng = new Random(seed);
        var arrays = new[]
        {
            IdxArray.FromBytes([train, 6, 5], Bytes(rng, train * 30, 256)),
            IdxArray.FromBytes([train], Bytes(rng, train, 10)),
            IdxArray.FromBytes([test, 6, 5], Bytes(rng, test * 30, 256)),
            IdxArray.FromBytes([test], Bytes(rng, test, 10)),
        };
        for (int i = 0; i < 4; i++)
        {
            var raw = new MemoryStream();
            IdxWriter.Write(raw, arrays[i]);
            var gz = new MemoryStream();
            using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw.ToArray());
            var name = IdxImageFolder.Stems[i] + ".gz";
            Files.Add(new RemoteFile(name, Convert.ToHexStringLower(SHA256.HashData(raw.ToArray()))));
            GzipBytes[name] = gz.ToArray();
        }
        TrainCount = train;
        TestCount = test;
    }

    public List<RemoteFile> Files { get; } = [];
    public Dictionary<string, byte[]> GzipBytes { get; } = [];
    public int TrainCount { get; }
    public int TestCount { get; }

    public void ServeAll(NeuralPipelines.Tests.LocalFileServer server, string prefix = "/")
    {
        foreach (var (name, bytes) in GzipBytes) server.Serve(prefix + name, bytes);
    }

    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in GzipBytes) File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    private static byte[] Bytes(Random rng, int n, int max) => Enumerable.Range(0, n).Select(_ => (byte)rng.Next(max)).ToArray();
}
