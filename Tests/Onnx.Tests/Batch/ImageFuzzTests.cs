using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Onnx.Batch;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Onnx.Tests.Batch;

/// <summary>Damaged images through the batch image reader: each file must come out as a row or as a per-file error that
/// names it, never a crash, a hang or a large allocation.</summary>
public class ImageFuzzTests
{
    private const int Files = 2000;
    // Low enough that a forged header's pixel count is refused before decoding; high enough for every honest 64×64 photo.
    private const long MaxPixels = 1L << 20;

    [Fact]
    public async Task Two_thousand_truncated_bit_flipped_oversized_and_disguised_files_each_give_a_row_or_a_named_error()
    {
        using var dir = new TempFolder();
        var originals = Originals();
        var rng = new Random(15);
        var kinds = new Dictionary<string, int>();
        for (int i = 0; i < Files; i++)
        {
            var (ext, bytes) = originals[rng.Next(originals.Count)];
            var (kind, damaged) = (i % 4) switch
            {
                0 => ("truncated", bytes[..rng.Next(bytes.Length)]),
                1 => ("bit-flipped", Flip(bytes, rng)),
                2 => ("oversized", Oversize(ext, bytes, rng)),
                _ => ("truncated and flipped", Flip(bytes, rng)[..(bytes.Length - rng.Next(1, bytes.Length / 2))]),
            };
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            File.WriteAllBytes(dir.File($"{i:D5}{ext}"), damaged);
        }
        // GIF, TIFF and WebP named .png: ImageSharp would decode them by their bytes; our configuration must refuse them.
        foreach (var (name, other) in Disguised()) File.WriteAllBytes(dir.File(name), other);

        var run = Task.Run(() =>
        {
            using var source = new ImageRows(dir.Path, [3, 64, 64], "fuzz", resize: true, threads: 2, MaxPixels);
            var chunk = new RowChunk(256, 3 * 64 * 64, 10);
            var (rows, errors, worst) = (0, new List<RowError>(), 0L);
            bool more = true;
            while (more)
            {
                chunk.Clear();
                long before = GC.GetTotalAllocatedBytes(precise: true);
                more = source.Fill(chunk, Shard.All);
                worst = Math.Max(worst, GC.GetTotalAllocatedBytes(precise: true) - before);
                rows += chunk.Count;
                errors.AddRange(chunk.Errors);
                Assert.All(chunk.Inputs.AsSpan(0, chunk.Count * chunk.InputLength).ToArray(), v => Assert.InRange(v, 0f, 1f));
            }
            return (rows, errors, worst);
        });
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(3))));
        var (rows, errors, worst) = await run;

        Assert.Equal(Files + 3, rows + errors.Count);
        Assert.All(errors, e => Assert.Contains(Path.Combine(dir.Path, e.Item), e.Error));
        Assert.All(errors, e => Assert.DoesNotContain('\n', e.Error));
        foreach (var disguised in Disguised().Select(d => d.Name))
            Assert.Contains("(PNG, JPEG or BMP)", Assert.Single(errors, e => e.Item == disguised).Error);
        // Every forged header (a quarter of the files) is refused, most by the pixel limit before any pixel is decoded.
        Assert.InRange(errors.Count, Files / 4, Files);
        Assert.Contains(errors, e => e.Error.Contains("over the limit"));
        // Managed allocation per chunk of 256 files stays near what 256 honest 64×64 photos need (a few MB), far from
        // what a forged 30,000² header would ask for (2.7 GB).
        Assert.True(worst < 256L << 20, $"a chunk allocated {worst:N0} bytes");
    }

    private static List<(string Ext, byte[] Bytes)> Originals()
    {
        var list = new List<(string, byte[])>();
        foreach (var file in ImageFolder.Files(Path.Combine(ShippedData.Photos, "test")).Take(8))
        {
            list.Add((".png", File.ReadAllBytes(file)));
            using var image = Image.Load<Rgb24>(file);
            using var jpeg = new MemoryStream();
            image.SaveAsJpeg(jpeg);
            list.Add((".jpg", jpeg.ToArray()));
            using var bmp = new MemoryStream();
            image.SaveAsBmp(bmp);
            list.Add((".bmp", bmp.ToArray()));
        }
        return list;
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Disguised()
    {
        using var image = Image.Load<Rgb24>(ImageFolder.Files(Path.Combine(ShippedData.Photos, "test"))[0]);
        foreach (var (name, encoder) in new (string, SixLabors.ImageSharp.Formats.IImageEncoder)[]
                 { ("gif-as.png", new GifEncoder()), ("tiff-as.png", new TiffEncoder()), ("webp-as.png", new WebpEncoder()) })
        {
            using var s = new MemoryStream();
            image.Save(s, encoder);
            yield return (name, s.ToArray());
        }
    }

    private static byte[] Flip(byte[] bytes, Random rng)
    {
        var copy = (byte[])bytes.Clone();
        for (int k = rng.Next(1, 17); k > 0; k--) copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
        return copy;
    }

    /// <summary>The file with its header claiming a huge width and height (30,000 × 30,000 or so).</summary>
    private static byte[] Oversize(string ext, byte[] bytes, Random rng)
    {
        var copy = (byte[])bytes.Clone();
        int w = 20_000 + rng.Next(20_000), h = 20_000 + rng.Next(20_000);
        switch (ext)
        {
            case ".png": // IHDR: width and height, big-endian, at bytes 16 and 20
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), w);
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), h);
                break;
            case ".bmp": // BITMAPINFOHEADER: width and height, little-endian, at bytes 18 and 22
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(18), w);
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(22), h);
                break;
            default: // JPEG start-of-frame (FFC0/FFC2): height and width, big-endian, after length and precision
                for (int i = 0; i + 8 < copy.Length; i++)
                    if (copy[i] == 0xFF && copy[i + 1] is 0xC0 or 0xC2)
                    {
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)Math.Min(h, 65_000));
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)Math.Min(w, 65_000));
                        break;
                    }
                break;
        }
        return copy;
    }
}
