using System.IO.Compression;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.IO;

/// <summary>Every zip entry is checked against its recorded CRC-32 and length before a model loader reads it.</summary>
public class ZipIntegrityTests
{
    private static byte[] Zip(CompressionLevel level)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("Model/Weights", level).Open()) s.Write(Enumerable.Range(0, 4000).Select(i => (byte)(i * 7)).ToArray());
            using (var s = zip.CreateEntry("Model/Version.txt", level).Open()) s.Write("1.0"u8);
        }
        return ms.ToArray();
    }

    [Fact]
    public void An_intact_zip_passes()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("ok.zip");
        File.WriteAllBytes(path, Zip(CompressionLevel.Optimal));
        ZipIntegrity.Verify(path);
    }

    [Fact]
    public void A_flipped_bit_in_a_stored_entry_is_named_though_ZipArchive_reads_it_without_a_word()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("flip.zip");
        var bytes = Zip(CompressionLevel.NoCompression);
        bytes[30 + "Model/Weights".Length + 1000] ^= 0x10; // inside the first entry's data (local header is 30 bytes + name)
        File.WriteAllBytes(path, bytes);

        // What ML.NET would see: the changed byte, and no error.
        using (var zip = ZipFile.OpenRead(path))
        using (var s = zip.GetEntry("Model/Weights")!.Open())
        {
            var read = new byte[4000];
            s.ReadExactly(read);
            Assert.NotEqual(unchecked((byte)(1000 * 7)), read[1000]);
        }

        var e = Assert.Throws<InvalidDataException>(() => ZipIntegrity.Verify(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("Model/Weights", e.Message);
        Assert.Contains("CRC-32", e.Message);
    }

    [Fact]
    public void Damaged_deflated_data_and_a_truncated_zip_are_named()
    {
        using var tmp = new TempFolder();
        var bytes = Zip(CompressionLevel.Optimal);
        var rng = new Random(5);
        int refused = 0;
        for (int k = 0; k < 200; k++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[rng.Next(damaged.Length)] ^= (byte)(1 << rng.Next(8));
            var path = tmp.File($"d{k}.zip");
            File.WriteAllBytes(path, damaged);
            try { ZipIntegrity.Verify(path); }
            catch (InvalidDataException e)
            {
                Assert.StartsWith(path + ":", e.Message);
                Assert.DoesNotContain('\n', e.Message);
                refused++;
                continue;
            }
            // Accepted: then every entry's content reads back exactly as written (the flip hit a field that holds no
            // content: a local header's copy of the name, a time stamp, or the name in the directory, which a loader
            // looking for its entries by name then reports missing).
            using var zip = ZipFile.OpenRead(path);
            var entries = zip.Entries.ToArray();
            Assert.Equal(2, entries.Length);
            using var s = entries[0].Open();
            var read = new byte[4000];
            s.ReadExactly(read);
            Assert.Equal(Enumerable.Range(0, 4000).Select(i => unchecked((byte)(i * 7))).ToArray(), read);
        }
        // A zip this small is a quarter headers, so not every flip touches content; most do.
        Assert.True(refused > 100, $"only {refused} of 200 flips refused");
        var cut = tmp.File("cut.zip");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        Assert.StartsWith(cut + ":", Assert.Throws<InvalidDataException>(() => ZipIntegrity.Verify(cut)).Message);
    }
}
