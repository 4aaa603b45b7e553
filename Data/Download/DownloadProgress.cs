namespace NeuralPipelines.Data.Download;

/// <summary>How far a download has got; reported after each chunk and once when each file is done.</summary>
/// <param name="FileName">The file being fetched.</param>
/// <param name="FileIndex">0-based position of the file in the batch.</param>
/// <param name="FileCount">Files in the batch.</param>
/// <param name="BytesReceived">Bytes of this file received so far.</param>
/// <param name="TotalBytes">The file's size when the server said (Content-Length), otherwise null.</param>
/// <param name="Completed">True once the file is verified and in place (or was already present).</param>
public readonly record struct DownloadProgress(string FileName, int FileIndex, int FileCount, long BytesReceived, long? TotalBytes, bool Completed);
