using System.Security.Cryptography;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Download;

/// <summary>SHA-256 of a file's content: decompressed (and gzip-checked) when it is gzip, as stored otherwise.</summary>
public static class ContentDigest
{
    public static string Sha256(string path)
    {
        using var stream = CheckedGzipStream.OpenContent(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
