namespace NeuralPipelines.Data.Download;

/// <summary>One file to download: its name under the base URL and the SHA-256 its content must have.</summary>
/// <param name="Name">File name, appended to the base URL and used as the local file name.</param>
/// <param name="ContentSha256">Lower-case hex SHA-256 of the file's content: of the decompressed bytes for a gzip file,
/// of the bytes as they are otherwise. Hashing the content rather than the .gz lets one digest check every copy of a
/// dataset: mirrors and distributions re-compress the same files (Debian's Fashion-MNIST .gz files differ from the
/// authors' in the gzip header, while the IDX content is identical).</param>
public sealed record RemoteFile(string Name, string ContentSha256);
