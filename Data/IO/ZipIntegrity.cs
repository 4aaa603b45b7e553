using System.IO.Compression;

namespace NeuralPipelines.Data.IO;

/// <summary>Checks every entry of a zip file against the CRC-32 and length its central directory records, before anyone
/// (ML.NET's <c>Model.Load</c>, say) reads the entries for their content.</summary>
/// <remarks>.NET's <see cref="ZipArchive"/> does not check an entry's CRC on every read path, so a flipped bit in a stored or
/// deflated entry can come back as different bytes without an error: a model zip then loads with one weight changed and
/// predicts nonsense with exit 0. Reading each entry once through a fixed buffer costs memory independent of the file,
/// and an entry that inflates past its recorded length is stopped there (a zip bomb is read no further than it claims).</remarks>
public static class ZipIntegrity
{
    /// <exception cref="InvalidDataException">Not a readable zip, or an entry whose bytes disagree with its recorded CRC-32 or
    /// length; the message names the file and the entry.</exception>
    /// <param name="what">What the file should be, with its article, for the error when it is no zip at all ("an ML.NET model file").</param>
    public static void Verify(string path, string what = "a zip file")
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: not {what} (it is not a readable zip: {Excerpt.Of(e.Message)}).", e); }
        using (zip)
        {
            var buffer = new byte[81920];
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try { entries = zip.Entries; }
            catch (InvalidDataException e) { throw new InvalidDataException($"{path}: not {what} (it is not a readable zip: {Excerpt.Of(e.Message)}).", e); }
            foreach (var entry in entries)
            {
                string name = Excerpt.Of(entry.FullName, 80);
                long length = 0;
                uint crc = 0;
                try
                {
                    using var stream = entry.Open();
                    int n;
                    while ((n = stream.Read(buffer)) > 0)
                    {
                        length += n;
                        if (length > entry.Length) break;
                        crc = Crc32.Append(crc, buffer.AsSpan(0, n));
                    }
                }
                catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
                {
                    throw new InvalidDataException($"{path}: the zip entry {name} is damaged ({Excerpt.Of(e.Message)}).", e);
                }
                if (length != entry.Length)
                    throw new InvalidDataException($"{path}: the zip entry {name} holds {(length > entry.Length ? "more than " : "")}{length:N0} bytes but the zip records {entry.Length:N0}; the file is damaged.");
                if (crc != entry.Crc32)
                    throw new InvalidDataException($"{path}: the zip entry {name} is damaged: its CRC-32 is {crc:x8} but the zip records {entry.Crc32:x8}.");
            }
        }
    }
}
