package io.sluice.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Splits the server's replies into lines for Netty's {@code SmtpResponseDecoder}, giving a bare
 * reply code ({@code 250} and the line end, which RFC 5321 section 4.2 allows: the text is
 * optional) the space that decoder needs: without it, it fails on the missing separator and the
 * connection is lost.
 */
final class ReplyLines extends LineBasedFrameDecoder {

    private static final byte[] SPACE_CRLF = " \r\n".getBytes(StandardCharsets.US_ASCII);

    ReplyLines(int maxLength) {
        super(maxLength, false, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf line = (ByteBuf) super.decode(ctx, in);
        if (line == null) {
            return null;
        }
        int n = line.readableBytes();
        int end = n >= 2 && line.getByte(line.writerIndex() - 2) == '\r' ? 2 : 1;
        if (n - end != 3) {
            return line;
        }
        ByteBuf fixed = ctx.alloc().buffer(6);
        fixed.writeBytes(line, line.readerIndex(), 3).writeBytes(SPACE_CRLF);
        line.release();
        return fixed;
    }
}
